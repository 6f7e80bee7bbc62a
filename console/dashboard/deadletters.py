"""Dead letters as an operator reads them: grouped by kind, payload and error laid out, and the
decisions each one allows."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.db.models import Count
from django.urls import NoReverseMatch, reverse

from core.models import DeadLetter

PER_GROUP = 25


@dataclass(frozen=True)
class Decision:
    action: str
    label: str
    help: str
    danger: bool = False


REPLAY = Decision("replay", "Replay", "Run the failed task again with the same arguments.")
DISCARD = Decision("discard", "Discard", "Close it without doing anything.", danger=True)
ASSUME = Decision(
    "assume_delivered",
    "Assume delivered",
    "Count the email as sent: it probably left before the sender stopped.",
)
AGAIN = Decision(
    "send_again",
    "Send again",
    "Queue the same email again (same Message-ID). The recipient may get it twice.",
    danger=True,
)
DECISIONS = {d.action: d for d in (REPLAY, DISCARD, ASSUME, AGAIN)}


def decisions_for(letter: DeadLetter) -> list[Decision]:
    """What the operator may decide; a "delivery unknown" email is delivered or sent again."""
    if letter.is_resolved:
        return []
    if letter.kind == DeadLetter.Kind.DELIVERY_UNKNOWN:
        return [ASSUME, AGAIN]
    return [REPLAY, DISCARD]


def allowed(letter: DeadLetter, action: str) -> bool:
    # Discard stays possible for any open letter (e.g. its email was deleted meanwhile).
    return not letter.is_resolved and (
        action == DISCARD.action or action in {d.action for d in decisions_for(letter)}
    )


def object_link(letter: DeadLetter) -> str:
    if not (letter.object_type and letter.object_id.isdigit()):
        return ""
    app, _, model = letter.object_type.partition(".")
    try:
        return reverse(f"admin:{app}_{model}_change", args=[int(letter.object_id)])
    except NoReverseMatch:
        return ""


def pretty(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False, sort_keys=True, default=str)


def letter_view(letter: DeadLetter) -> dict[str, Any]:
    return {
        "letter": letter,
        "payload": pretty(letter.payload) if letter.payload else "",
        "object_link": object_link(letter),
        "decisions": decisions_for(letter),
    }


def open_groups() -> list[dict[str, Any]]:
    """Open letters by kind, the biggest group first, the newest letters first within it
    (PER_GROUP of them: the list below the groups pages through the rest)."""
    labels = dict(DeadLetter.Kind.choices)
    waiting = DeadLetter.objects.filter(resolved_at__isnull=True)
    counts = waiting.values("kind").annotate(n=Count("id")).order_by("-n", "kind")
    return [
        {
            "kind": row["kind"],
            "label": labels.get(row["kind"], row["kind"]),
            "count": row["n"],
            "letters": [
                letter_view(letter)
                for letter in waiting.filter(kind=row["kind"]).order_by("-created_at")[:PER_GROUP]
            ],
            "more": max(0, row["n"] - PER_GROUP),
        }
        for row in counts
    ]
