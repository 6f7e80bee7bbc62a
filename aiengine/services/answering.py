"""Suggesting an answer to a prospect's reply, for the operator to edit before sending.

The first provider whose draft validates writes it; without a provider (or when every one
failed) the offline templates do (``aiengine.writer.answer``), so a suggestion never fails.
"""

from __future__ import annotations

from dataclasses import asdict, replace
from typing import Any

from aiengine.clients import StructuredRequest, configured_providers
from aiengine.prompts import render_prompt
from aiengine.services.llm import call_llm
from aiengine.services.writing import EMAIL_SCHEMA, WRITE_MAX_TOKENS, _accept_draft
from aiengine.writer import Draft, EmailContext
from aiengine.writer.answer import answer_offline

ANSWER = "answer"


def suggest_answer(
    *, context: EmailContext, intent: str, reply_subject: str, reply_body: str
) -> Draft:
    if configured_providers():
        data: dict[str, Any] = asdict(context)
        data.update(intent=intent, reply_subject=reply_subject, reply_body=reply_body[:4000])
        system, user, version = render_prompt("answer_reply", **data)
        request = StructuredRequest(
            system=system,
            user=user,
            schema_name="email_draft",
            schema=EMAIL_SCHEMA,
            description="Record the answer: its subject line and plain-text body.",
            max_tokens=WRITE_MAX_TOKENS,
        )
        answer = call_llm(purpose=ANSWER, request=request, accept=_accept_draft)
        if answer is not None:
            return replace(
                answer.value, provider=answer.provider, model=answer.model, prompt_version=version
            )
    return answer_offline(context=context, intent=intent, reply_subject=reply_subject)
