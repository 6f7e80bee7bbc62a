"""The fixed bounce vocabulary: reasons, their consequences, the verdict shape, soft-bounce limits,
and the kinds of inbound message.

docs/bounces.md explains each reason to operators; keep the two in step.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta


class Reason(enum.StrEnum):
    USER_UNKNOWN = "user_unknown"
    HOST_UNKNOWN = "host_unknown"
    HAS_MOVED = "has_moved"
    NOT_ACCEPTING = "not_accepting"
    MAILBOX_FULL = "mailbox_full"
    SUSPENDED = "suspended"
    MESSAGE_TOO_BIG = "message_too_big"
    RATE_LIMITED = "rate_limited"
    EXPIRED = "expired"
    BLOCKED = "blocked"
    SPAM_DETECTED = "spam_detected"
    POLICY = "policy"
    CONTENT_REJECTED = "content_rejected"
    NETWORK_ERROR = "network_error"
    UNDEFINED = "undefined"


class MessageKind(enum.StrEnum):
    """What an inbound message is (the contracts' inbound kinds)."""

    REPLY = "reply"
    AUTO_REPLY = "auto_reply"
    BOUNCE = "bounce"
    COMPLAINT = "complaint"
    UNSUBSCRIBE = "unsubscribe"
    OTHER = "other"


class Consequence(enum.StrEnum):
    ADDRESS_BAD = "address_bad"
    TRY_LATER = "try_later"
    SENDER_PROBLEM = "sender_problem"


# The issue fixes the first three groups; too big, expired, content rejected and undefined are
# try_later per the contracts: none of them proves the address dead or our inbox at fault.
CONSEQUENCES: dict[Reason, Consequence] = {
    Reason.USER_UNKNOWN: Consequence.ADDRESS_BAD,
    Reason.HOST_UNKNOWN: Consequence.ADDRESS_BAD,
    Reason.HAS_MOVED: Consequence.ADDRESS_BAD,
    Reason.NOT_ACCEPTING: Consequence.ADDRESS_BAD,
    Reason.MAILBOX_FULL: Consequence.TRY_LATER,
    Reason.SUSPENDED: Consequence.TRY_LATER,
    Reason.RATE_LIMITED: Consequence.TRY_LATER,
    Reason.NETWORK_ERROR: Consequence.TRY_LATER,
    Reason.MESSAGE_TOO_BIG: Consequence.TRY_LATER,
    Reason.EXPIRED: Consequence.TRY_LATER,
    Reason.CONTENT_REJECTED: Consequence.TRY_LATER,
    Reason.UNDEFINED: Consequence.TRY_LATER,
    Reason.BLOCKED: Consequence.SENDER_PROBLEM,
    Reason.SPAM_DETECTED: Consequence.SENDER_PROBLEM,
    Reason.POLICY: Consequence.SENDER_PROBLEM,
}

DEFAULT_CAUSES: dict[Reason, str] = {
    Reason.USER_UNKNOWN: "the mailbox does not exist",
    Reason.HOST_UNKNOWN: "the recipient's domain has no mail server",
    Reason.HAS_MOVED: "the recipient has moved or left",
    Reason.NOT_ACCEPTING: "the address does not accept mail from us",
    Reason.MAILBOX_FULL: "the recipient's mailbox is full",
    Reason.SUSPENDED: "the recipient's mailbox is suspended or disabled",
    Reason.MESSAGE_TOO_BIG: "the message is larger than the recipient's server accepts",
    Reason.RATE_LIMITED: "the recipient's server is throttling our sending",
    Reason.EXPIRED: "delivery gave up after retries",
    Reason.BLOCKED: "the recipient's server blocks our IP or domain",
    Reason.SPAM_DETECTED: "the message was judged to be spam",
    Reason.POLICY: "rejected by the recipient's policy or authentication checks",
    Reason.CONTENT_REJECTED: "the message content was rejected",
    Reason.NETWORK_ERROR: "a network or remote server error",
    Reason.UNDEFINED: "unrecognised rejection",
}

# A try_later address becomes bad once it has soft-bounced on SOFT_BOUNCE_LIMIT different days
# within the last SOFT_BOUNCE_DAYS days. Counting days, not bounces, keeps one afternoon of
# retries against a briefly full mailbox from condemning it; three bad days in two weeks is a
# mailbox nobody empties.
SOFT_BOUNCE_LIMIT = 3
SOFT_BOUNCE_DAYS = 14

# Throttling and an oversized or refused message say nothing about the mailbox, so they do not
# move an address towards "bad".
NOT_ABOUT_THE_ADDRESS = frozenset(
    {Reason.RATE_LIMITED, Reason.MESSAGE_TOO_BIG, Reason.CONTENT_REJECTED}
)


@dataclass(frozen=True)
class Verdict:
    """One failed recipient, as the classifier sees it."""

    reason: Reason
    consequence: Consequence
    status: str | None
    diagnostic: str
    cause: str
    recipient: str | None
    smtp_code: int | None = None

    @property
    def counts_as_soft_bounce(self) -> bool:
        """True when this verdict moves the recipient towards the soft-bounce limit."""
        return (
            self.consequence == Consequence.TRY_LATER and self.reason not in NOT_ABOUT_THE_ADDRESS
        )


def soft_bounce_escalates(bounce_times: Iterable[datetime], *, now: datetime) -> bool:
    """True when soft bounces at ``bounce_times`` make the address bad at ``now``.

    Pass the times of the address's soft bounces (verdicts with ``counts_as_soft_bounce``).
    Days are UTC calendar days; naive datetimes are taken as UTC.
    """
    start = _utc(now) - timedelta(days=SOFT_BOUNCE_DAYS)
    days = {_utc(t).date() for t in bounce_times if start <= _utc(t) <= _utc(now)}
    return len(days) >= SOFT_BOUNCE_LIMIT


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)
