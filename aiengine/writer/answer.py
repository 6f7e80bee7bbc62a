"""The offline answer to a reply: a short template by intent, for the operator to edit."""

from __future__ import annotations

from aiengine.writer.draft import Draft, EmailContext
from aiengine.writer.offline import _first_name

ANSWER_VERSION = "offline-answer-2026-12-05.1"  # bump when the wording changes
_BODIES = {
    "meeting_request": "Thank you, I would be glad to talk. Would Tuesday at 10:00 or Wednesday "
    "at 15:00 (your time) suit you? If neither works, tell me a time that does and I will "
    "send an invitation.",
    "interested": "Thank you for your reply, I am glad this is of interest for {name}. The "
    "easiest next step is a short call of 20 minutes: would one day next week suit you?",
    "needs_info": "Thank you for your question. Happy to tell you more: could we have a short "
    "call this week, or would you prefer that I send the details by email?",
    "delegation": "Thank you for pointing me to the right person. I will write to them "
    "directly and keep it short.",
    "not_interested": "Thank you for letting me know. I will not write again; should things "
    "change at {name}, you know where to find me.",
    "unsubscribe": "Understood, and sorry for the bother: you will not hear from us again.",
}
_DEFAULT = "Thank you for your reply. What would be most useful for {name} right now?"


def answer_offline(*, context: EmailContext, intent: str, reply_subject: str) -> Draft:
    first = _first_name(context.contact_name)
    greeting = f"Hello {first}," if first else "Hello,"
    name = context.prospect_name or "your hotel"
    text = _BODIES.get(intent, _DEFAULT).format(name=name)
    sign = "\n".join(filter(None, ["Best regards,", context.sender_name, context.sender_company]))
    subject = reply_subject if reply_subject.lower().startswith("re:") else f"Re: {reply_subject}"
    return Draft(
        subject=subject.strip(),
        body=f"{greeting}\n\n{text}\n\n{sign}",
        prompt_version=ANSWER_VERSION,
    )
