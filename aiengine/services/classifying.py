"""Classifying a reply: the offline rules first, an LLM only when they are not sure.

Returns a verdict (``Classification``); what to do with it (stop a sequence, alert, record a
delegate) is ``outreach``'s business.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from django.utils import timezone

from aiengine.clients import StructuredRequest, configured_providers
from aiengine.prompts import render_prompt
from aiengine.rules import Classification, Intent, classify_reply, needs_llm
from aiengine.rules.text import strip_quoted
from aiengine.services.llm import Answer, call_llm

CLASSIFY = "classify"
CLASSIFY_MAX_TOKENS = 300
REPLY_MAX_CHARS = 6000  # a long thread must not cost a fortune; the newest text comes first

_NULLABLE = {"type": ["string", "null"]}
CLASSIFY_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "intent": {"type": "string", "enum": [intent.value for intent in Intent]},
        "confidence": {"type": "number"},
        "reason": {"type": "string"},
        "return_date": _NULLABLE,
        "delegate_email": _NULLABLE,
        "delegate_name": _NULLABLE,
    },
    "required": [
        "intent",
        "confidence",
        "reason",
        "return_date",
        "delegate_email",
        "delegate_name",
    ],
    "additionalProperties": False,
}


def classify_reply_text(
    *,
    subject: str,
    body: str,
    headers: Mapping[str, str] | None = None,
    today: datetime.date | None = None,
) -> Classification:
    """The offline rules decide; when they are not sure and a provider is set, the LLM does."""
    today = today or timezone.localdate()
    verdict = classify_reply(subject=subject, body=body, headers=headers or {}, today=today)
    if not needs_llm(verdict) or not configured_providers():
        return verdict
    return classify_reply_llm(subject=subject, body=body, today=today, rules=verdict) or verdict


def classify_reply_llm(
    *, subject: str, body: str, today: datetime.date, rules: Classification
) -> Classification | None:
    """The LLM's verdict (details the rules found fill its gaps); None when no provider answered.

    Called for the replies the rules are unsure of, and by the benchmark for every reply.
    """
    text = (strip_quoted(body) or body)[:REPLY_MAX_CHARS]
    system, user, _version = render_prompt(
        "classify_reply",
        subject=subject,
        body=text,
        today=today,
        rules_verdict={"intent": rules.intent.value, "confidence": rules.confidence},
    )
    request = StructuredRequest(
        system=system,
        user=user,
        schema_name="reply_classification",
        schema=CLASSIFY_SCHEMA,
        description="Record the intent of the prospect's reply.",
        max_tokens=CLASSIFY_MAX_TOKENS,
    )
    answer = call_llm(purpose=CLASSIFY, request=request, accept=_accept_classification)
    return _merge(answer, rules) if answer is not None else None


def _accept_classification(data: dict[str, Any]) -> Classification:
    confidence = float(data["confidence"])
    return Classification(
        intent=Intent(data["intent"]),
        confidence=min(1.0, max(0.0, confidence)),
        reason=str(data.get("reason") or "")[:300],
        return_date=_date_or_none(data.get("return_date")),
        delegate_email=_text_or_none(data.get("delegate_email")),
        delegate_name=_text_or_none(data.get("delegate_name")),
        decided_by="llm",
    )


def _merge(answer: Answer[Classification], rules: Classification) -> Classification:
    """The LLM's intent; details the rules found fill what the LLM left out."""
    llm = answer.value
    return replace(
        llm,
        reason=f"{answer.provider}/{answer.model}: {llm.reason}",
        return_date=llm.return_date or rules.return_date,
        delegate_email=llm.delegate_email or rules.delegate_email,
        delegate_name=llm.delegate_name or rules.delegate_name,
    )


def _date_or_none(value: Any) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def _text_or_none(value: Any) -> str | None:
    text = str(value).strip()[:320] if value else ""
    return text or None
