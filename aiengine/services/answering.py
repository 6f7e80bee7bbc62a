"""Suggesting an answer to a prospect's reply, for the operator to edit before sending.

The first provider whose draft validates writes it; without a provider (or when every one
failed) the offline templates do (``aiengine.writer.answer``), so a suggestion never fails.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from aiengine.clients import configured_providers
from aiengine.prompts import render_prompt
from aiengine.services.writing import llm_draft
from aiengine.writer import Draft, EmailContext
from aiengine.writer.answer import answer_offline

ANSWER = "answer"


def suggest_answer(
    *, context: EmailContext, intent: str, reply_subject: str, reply_body: str
) -> Draft:
    if configured_providers():
        data: dict[str, Any] = asdict(context)
        data.update(intent=intent, reply_subject=reply_subject, reply_body=reply_body[:4000])
        prompt = render_prompt("answer_reply", **data)
        draft = llm_draft(purpose=ANSWER, prompt=prompt, what="the answer")
        if draft is not None:
            return draft
    return answer_offline(context=context, intent=intent, reply_subject=reply_subject)
