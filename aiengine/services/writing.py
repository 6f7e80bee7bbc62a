"""Writing an email: step N for given facts, by the first provider whose draft validates.

The offline templates write it when no provider is configured or every provider failed, so
drafting never raises for provider trouble. Storing the draft is the caller's business
(``outreach.services.prepare``).
"""

from __future__ import annotations

from dataclasses import asdict, replace
from typing import Any

from aiengine.clients import StructuredRequest, configured_providers
from aiengine.prompts import render_prompt
from aiengine.services.llm import call_llm
from aiengine.writer import (
    STRATEGIES,
    Draft,
    EmailContext,
    ensure_valid,
    write_offline,
)

WRITE = "write"
WRITE_MAX_TOKENS = 1200

EMAIL_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "subject": {"type": "string", "description": "The subject line, plain text."},
        "body": {"type": "string", "description": "The plain-text body, \\n line breaks."},
    },
    "required": ["subject", "body"],
    "additionalProperties": False,
}


def draft_email(
    *,
    context: EmailContext,
    strategy: str,
    step: int,
    previous_subject: str | None = None,
    previous_body: str | None = None,
    instructions: str = "",
) -> Draft:
    """Step ``step`` for one contact: by the first provider whose draft validates, else offline.

    ``instructions`` are the operator's brief for an A/B variant ("lead with price"): trusted
    text, so they join the system prompt, never the fenced prospect data. The offline
    templates cannot follow them. The draft's provider is ``offline`` when the templates
    wrote it.
    """
    if strategy not in STRATEGIES:
        raise ValueError(f"unknown strategy {strategy!r}; expected one of {STRATEGIES}")
    if configured_providers():
        prompt = _email_prompt(context, strategy, step, previous_subject, previous_body)
        if instructions.strip():
            system, user, version = prompt
            brief = f"The operator's instructions for this version of the email:\n{instructions}"
            prompt = (f"{system}\n\n{brief.strip()}", user, f"{version}+variant")
        draft = llm_draft(purpose=WRITE, prompt=prompt, what="the email")
        if draft is not None:
            return draft
    return write_offline(
        context=context, strategy=strategy, step=step, previous_subject=previous_subject
    )


def llm_draft(*, purpose: str, prompt: tuple[str, str, str], what: str) -> Draft | None:
    """A draft by the first provider whose answer validates, or None when none did."""
    system, user, version = prompt
    request = StructuredRequest(
        system=system,
        user=user,
        schema_name="email_draft",
        schema=EMAIL_SCHEMA,
        description=f"Record {what}: its subject line and plain-text body.",
        max_tokens=WRITE_MAX_TOKENS,
    )
    answer = call_llm(purpose=purpose, request=request, accept=_accept_draft)
    if answer is None:
        return None
    return replace(
        answer.value, provider=answer.provider, model=answer.model, prompt_version=version
    )


def _email_prompt(
    context: EmailContext,
    strategy: str,
    step: int,
    previous_subject: str | None,
    previous_body: str | None,
) -> tuple[str, str, str]:
    data: dict[str, Any] = asdict(context)
    if step <= 1:
        return render_prompt(f"write_{strategy}", **data)
    data.update(
        step=step,
        strategy=strategy,
        previous_subject=previous_subject or "",
        previous_body=previous_body or "",
    )
    return render_prompt("write_followup", **data)


def _accept_draft(data: dict[str, Any]) -> Draft:
    subject, body = data["subject"], data["body"]
    if not isinstance(subject, str) or not isinstance(body, str):
        raise TypeError("subject and body must be strings")
    return ensure_valid(Draft(subject=subject.strip(), body=body.strip()))
