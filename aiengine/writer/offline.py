"""The offline writer: deterministic templates with the LLM writer's output contract.

Wording varies between prospects by a stable hash of the prospect's name, so two hotels in one
campaign do not get the same email, and the same hotel always gets the same one.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from aiengine.writer.draft import STRATEGIES, Draft, EmailContext

OFFLINE_VERSION = "offline-2026-11-28.1"  # bump when the wording changes
_SUBJECT_NAME_MAX = 60
_BODY_NAME_MAX = 100
_HONORIFIC = re.compile(
    r"(?i)(mr|mrs|ms|miss|dr|prof|herr|frau|m|mme|mlle|sr|sra|srta|sig|sig\.ra|dott)\.?\Z"
)
_RE_PREFIX = re.compile(r"^\s*((re|aw|sv|fw|fwd|wg|tr|rv)\s*:\s*)+", re.IGNORECASE)
_KIND = re.compile(r"[a-z][a-z&' -]{1,29}")
# Chinese, Japanese and Korean names put the family name first: greet with the whole name.
_FAMILY_NAME_FIRST = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")


@dataclass(frozen=True)
class _Facts:
    name: str  # the prospect as the body names it
    short: str  # the prospect as a subject names it
    place: str  # " in Lisbon", or ""
    kind: str  # "boutique hotel"
    kinds: str  # "boutique hotels"
    company: str
    sender: str
    title: str
    greeting: str
    sign_off: str
    seed: int


def write_offline(
    *, context: EmailContext, strategy: str, step: int, previous_subject: str | None = None
) -> Draft:
    """Step 1 in the strategy's voice; steps 2+ follow up on the earlier email."""
    if strategy not in STRATEGIES:
        raise ValueError(f"unknown strategy {strategy!r}; expected one of {STRATEGIES}")
    if step < 1:
        raise ValueError(f"step must be 1 or more, got {step}")
    facts = _facts(context)
    if step == 1:
        subject, paragraphs = _FIRST_EMAIL[strategy](facts)
    else:
        subject, paragraphs = _follow_up(facts, step, _clean(previous_subject or ""))
    body = "\n\n".join([facts.greeting, *filter(None, paragraphs), facts.sign_off])
    return Draft(subject=subject, body=body, prompt_version=OFFLINE_VERSION)


def _facts(c: EmailContext) -> _Facts:
    name = _clean(c.prospect_name)
    kind = _kind(c.property_type)
    where = _clean(c.city) or _clean(c.country)
    company = _clean(c.sender_company) or "Jengu"
    sender = _clean(c.sender_name)
    seed = int.from_bytes(hashlib.sha256(name.casefold().encode()).digest()[:4], "big")
    return _Facts(
        name=_truncate(name, _BODY_NAME_MAX) or f"your {kind}",
        short=_truncate(name, _SUBJECT_NAME_MAX) or f"your {kind}",
        place=f" in {where}" if where else "",
        kind=kind,
        kinds=_plural(kind),
        company=company,
        sender=sender,
        title=_clean(c.contact_title),
        greeting=_greeting(_first_name(c.contact_name), seed),
        sign_off=_sign_off(sender, company, seed),
        seed=seed,
    )


def _clean(text: str) -> str:
    """One line, single spaces, no control characters: safe for a subject line."""
    return " ".join("".join(ch if ch.isprintable() else " " for ch in text).split())


def _truncate(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0] if " " in text[:limit] else text[:limit]
    return cut.rstrip(" ,.-") + "…"


def _kind(property_type: str) -> str:
    kind = _clean(property_type)
    if not _KIND.fullmatch(kind.lower()):
        return "hotel"  # empty, or a script the sentence around it cannot inflect
    return kind if kind.isupper() else kind.lower()  # "B&B" stays as written


def _plural(kind: str) -> str:
    if kind.endswith(("s", "x", "ch", "sh")):
        return f"{kind}es"
    if kind.endswith("y") and kind[-2:-1] not in ("a", "e", "o", "u"):
        return f"{kind[:-1]}ies"
    return f"{kind}s"


def _first_name(contact_name: str) -> str:
    if "@" in contact_name:
        return ""
    tokens = [t for t in _clean(contact_name).split() if not _HONORIFIC.match(t)]
    if not tokens:
        return ""
    whole = len(tokens[0].rstrip(".")) == 1 or _FAMILY_NAME_FIRST.search(tokens[0])
    first = " ".join(tokens) if whole else tokens[0]
    return first.title() if first.isascii() and (first.isupper() or first.islower()) else first


def _greeting(first: str, seed: int) -> str:
    if first:
        return f"{_pick(('Hi', 'Hello', 'Dear'), seed)} {first},"
    return _pick(("Hello,", "Hi there,"), seed)


def _sign_off(sender: str, company: str, seed: int) -> str:
    closing = _pick(("Best regards,", "Kind regards,", "Best,"), seed, 1)
    return f"{closing}\n{sender}\n{company}" if sender else f"{closing}\nThe {company} team"


def _pick(options: Sequence[str], seed: int, salt: int = 0) -> str:
    return options[(seed + salt) % len(options)]


def _variant(f: _Facts, salt: int) -> int:
    return (f.seed >> 8) + salt


_Email = tuple[str, list[str]]


def _authority_scarcity(f: _Facts) -> _Email:
    if _variant(f, 0) % 2 == 0:
        return f"{f.short} and guest enquiries", [
            f"We work with a small number of independent {f.kinds}{f.place}, answering their "
            "guest enquiries and booking requests within minutes, in each property's own voice.",
            "Every property is set up by hand by our team, so we only take on a few new ones "
            f"each month. {f.name} stood out, and I wanted to ask you before the next places go.",
            "Would a 15-minute call next week be useful to see whether it fits?",
        ]
    return f"A question for {f.short}", [
        f"Independent {f.kinds}{f.place} that work with {f.company} answer most guest enquiries "
        "within minutes, day or night, without adding staff at the front desk.",
        "We keep the group small on purpose: each property is set up by hand, so we open only "
        f"a handful of places per region each season. I would like one of them to be {f.name}.",
        "Could we find 15 minutes next week to see if it makes sense?",
    ]


def _curiosity_value(f: _Facts) -> _Email:
    if _variant(f, 1) % 2 == 0:
        role = f"As {f.title}, you will know whether that gap costs {f.name} bookings. "
        return f"How fast does {f.short} reply?", [
            f"Quick question: when a guest emails {f.name} at 11 pm about availability, how long "
            "until they hear back?",
            f"For most independent {f.kinds} we talk to, it is the next morning, and by then "
            f"many guests have booked elsewhere. {f.company} drafts the reply within minutes, "
            "in your own voice, so your team only checks and sends.",
            f"{role if f.title else ''}Curious whether that matches what you see?",
        ]
    return f"Quick question about {f.short}", [
        f"What would it be worth to {f.name} if every booking enquiry got a thoughtful reply "
        "within five minutes, even on a Sunday night?",
        f"That is what {f.company} does for independent {f.kinds}{f.place}: it answers guest "
        "emails in the hotel's own voice, and your team stays in charge of anything unusual.",
        "I would be glad to show you a few real examples. Interested?",
    ]


def _cold_direct(f: _Facts) -> _Email:
    intro = f"I'm {f.sender} from {f.company}." if f.sender else f"I'm writing from {f.company}."
    if _variant(f, 2) % 2 == 0:
        return f"Guest email for {f.short}", [
            f"{intro} We help independent {f.kinds} answer guest emails and booking enquiries "
            "within minutes, in their own voice, without hiring.",
            f"For {f.name}, that would mean fewer bookings lost to slow replies and more time "
            "for your team to look after the guests in front of them.",
            "Would you be open to a 15-minute call next week?",
        ]
    return f"{f.company} for {f.short}", [
        f"{intro} In short: we answer guest enquiries for independent {f.kinds}{f.place}, "
        "usually within five minutes, and hand anything unusual to your team.",
        f"I think it could help {f.name} turn more email enquiries into direct bookings.",
        "Is this worth a look? I can send a short demo or set up a call, whichever you prefer.",
    ]


def _cold_pattern_interrupt(f: _Facts) -> _Email:
    if _variant(f, 3) % 2 == 0:
        return f"{f.short}: a three-line email", [
            "This is a cold email, so I will keep it to three lines.",
            f"{f.company} answers guest enquiries for independent {f.kinds} within minutes, in "
            f"the hotel's own voice. {f.name} could try it on real emails and keep full control.",
            "Worth a look? If not, reply 'no' and I will not write again.",
        ]
    return "Not another booking engine", [
        "I will skip the usual pitch.",
        f"Guests who email {f.name} and wait until the next day often book elsewhere. "
        f"{f.company} drafts each reply within minutes, your team approves it, and the "
        "booking stays direct.",
        "Should I send a two-minute video of how it works, or is this not a priority right now?",
    ]


_FIRST_EMAIL: dict[str, Callable[[_Facts], _Email]] = {
    "authority_scarcity": _authority_scarcity,
    "curiosity_value": _curiosity_value,
    "cold_direct": _cold_direct,
    "cold_pattern_interrupt": _cold_pattern_interrupt,
}


def _follow_up(f: _Facts, step: int, previous: str) -> _Email:
    previous = _RE_PREFIX.sub("", previous)
    about = f' ("{_truncate(previous, 80)}")' if previous else ""
    subject = f"Re: {_truncate(previous, 110)}" if previous else f"Following up: {f.short}"
    if step == 2:
        return subject, _second(f, about)
    if step == 3:
        return subject, _third(f, about)
    return subject, _last(f, about)


def _second(f: _Facts, about: str) -> list[str]:
    opener = _pick(
        (
            f"Following up on my earlier email{about}, in case it got buried in a busy week.",
            f"I am bringing my earlier note{about} back to the top of your inbox.",
        ),
        f.seed,
        2,
    )
    return [
        opener,
        f"The short version: {f.company} drafts replies to guest enquiries within minutes, in "
        f"{f.name}'s own voice, and your team decides what goes out.",
        "Would a short call be useful, or should I send a few examples instead?",
    ]


def _third(f: _Facts, about: str) -> list[str]:
    return [
        f"One more idea since my last email{about}.",
        f"Many independent {f.kinds}{f.place} start small, with only the enquiries that arrive "
        "after the front desk closes. Your team sees every reply, and nothing changes during the "
        "day until you decide.",
        f"If that sounds easier, I can show you how it would look for {f.name}. Just reply with "
        "a good time.",
    ]


def _last(f: _Facts, about: str) -> list[str]:
    return [
        f"I have not heard back since my earlier emails{about}, so this will be my last note; "
        "I do not want to crowd your inbox.",
        f"If guest email ever becomes a headache at {f.name}, reply to this message and I will "
        "pick it up from there.",
        "Wishing you a good season.",
    ]
