"""The outbound email's state machine: the only module that writes ``OutboundEmail.status``.

Rows are created ``queued`` or, for a first email of a campaign that reviews them,
``awaiting_approval`` (``prepare``, the demo), or ``sent``/``bounced`` (the legacy
import); from then on every change is one of the transitions in ``TRANSITIONS`` below. Each is a
guarded ``UPDATE ... WHERE id = ... AND status IN (from)`` (and ``AND claim_token = mine`` where
only the claim's holder may settle), sets ``updated_at`` (``.update()`` skips ``auto_now``) and
returns whether it applied: a refused transition changes nothing.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from outreach.models import OutboundEmail

Status = OutboundEmail.Status
DRAFT, QUEUED, SENDING, SENT = Status.DRAFT, Status.QUEUED, Status.SENDING, Status.SENT
FAILED, BOUNCED, UNKNOWN = Status.FAILED, Status.BOUNCED, Status.UNKNOWN
CANCELLED, SHADOW = Status.CANCELLED, Status.SHADOW
AWAITING, REJECTED = Status.AWAITING_APPROVAL, Status.REJECTED

UNSENT = (DRAFT, AWAITING, QUEUED, SHADOW)  # Jengu's rows that a legacy import may supersede
WENT_OUT = (SENT, BOUNCED, SENDING, UNKNOWN)  # on the wire, or may be
REPLACEABLE = tuple(s for s in Status.values if s not in WENT_OUT)  # draft queued failed ...


@dataclass(frozen=True)
class Transition:
    sources: tuple[str, ...]
    target: str
    token: bool = False  # only the claim's holder (WHERE claim_token = mine)


T = Transition
# fmt: off
TRANSITIONS: dict[str, Transition] = {
    # name              from                  to         holder only   when
    "claim":            T((QUEUED,),          SENDING),                # a sender takes it (ledger)
    "mark_sent":        T((SENDING, UNKNOWN), SENT,      token=True),  # the server accepted it
    "mark_bounced":     T((SENDING, UNKNOWN), BOUNCED,   token=True),  # rejected: bad address
    "mark_failed":      T((SENDING, UNKNOWN), FAILED,    token=True),  # no attempts left; unsendable
    "requeue":          T((SENDING, UNKNOWN), QUEUED,    token=True),  # try later; auth failed
    "shadow_requeue":   T((SENDING,),         QUEUED,    token=True),  # shadow mode recorded it
    "mark_unknown":     T((SENDING,),         UNKNOWN),                # its lease expired mid-send
    "assume_delivered": T((UNKNOWN,),         SENT),                   # in Sent; operator says so
    "send_again":       T((UNKNOWN,),         QUEUED),                 # operator: send again
    "replay":           T((FAILED,),          QUEUED),                 # operator replays it
    "bounce_sent":      T((SENT,),            BOUNCED),                # a DSN; the old system's
    "approve":          T((AWAITING,),        QUEUED),                 # operator approves draft
    "reject":           T((AWAITING,),        REJECTED),               # operator refuses draft
    "cancel":           T((DRAFT, AWAITING, QUEUED), CANCELLED),       # suppressed; replied
    "cancel_unsent":    T(UNSENT,             CANCELLED),              # legacy import: old did it
    "import_sent":      T(REPLACEABLE,        SENT),                   # legacy import replaces
    "import_bounced":   T(REPLACEABLE,        BOUNCED),                # ... a row never sent
}
# fmt: on

# What a settled claim no longer holds.
RELEASED: dict[str, Any] = {
    "claim_token": None,
    "lease_until": None,
    "reserved_day": None,
    "cap_day": None,  # the domain/provider cap slots (outreach.services.domaincaps)
    "cap_provider": "",
}


def move(
    name: str,
    rows: QuerySet[OutboundEmail],
    *,
    token: uuid.UUID | None = None,
    now: datetime | None = None,
    **fields: Any,
) -> int:
    """Apply transition ``name`` to those of ``rows`` in one of its from-states; the count."""
    t = TRANSITIONS[name]
    if t.token:
        if token is None:
            raise ValueError(f"{name} needs the claim token")
        rows = rows.filter(claim_token=token)
    # One from-state stays ``status = x`` so the partial indexes keep matching the plan.
    guard = {"status": t.sources[0]} if len(t.sources) == 1 else {"status__in": t.sources}
    return rows.filter(**guard).update(status=t.target, updated_at=now or timezone.now(), **fields)


def _one(name: str, email_id: int, **kwargs: Any) -> bool:
    return move(name, OutboundEmail.objects.filter(pk=email_id), **kwargs) == 1


def claim(
    email_id: int,
    *,
    token: uuid.UUID,
    inbox_id: int,
    lease_until: datetime,
    reserved_day: date,
    attempts: int,
    from_address: str,
    message_id: str,
    now: datetime,
    cap_day: date | None = None,
    cap_provider: str = "",
) -> bool:
    """A sender takes a due email, with its inbox and the warmup slot of ``reserved_day``
    (and the domain/provider cap slots of the UTC day ``cap_day``)."""
    return _one(
        "claim",
        email_id,
        now=now,
        claim_token=token,
        inbox_id=inbox_id,
        lease_until=lease_until,
        reserved_day=reserved_day,
        cap_day=cap_day,
        cap_provider=cap_provider,
        attempts=attempts,
        from_address=from_address,
        message_id=message_id,
    )


def mark_sent(
    email_id: int, *, token: uuid.UUID, now: datetime, provider_id: str = "", raw: str = ""
) -> bool:
    """The server accepted it (settled by the claim's holder); ``raw``: the stored message."""
    extra = {"raw": raw} if raw else {}
    return _one(
        "mark_sent", email_id, token=token, now=now, **_delivered(now, provider_id), **extra
    )


def assume_delivered(email_id: int, *, now: datetime, provider_id: str = "") -> bool:
    """An unknown email found in the Sent folder, or the operator's "assume delivered"."""
    return _one("assume_delivered", email_id, now=now, **_delivered(now, provider_id))


def _delivered(now: datetime, provider_id: str) -> dict[str, Any]:
    return {
        "sent_at": now,
        "provider_message_id": provider_id,
        "lease_until": None,
        "last_error": "",
    }


def mark_bounced(email_id: int, *, token: uuid.UUID, reason: str, error: str) -> bool:
    """Rejected at send time for a bad address (the warmup slot stays used)."""
    return _one(
        "mark_bounced",
        email_id,
        token=token,
        bounce_reason=reason,
        last_error=error,
        lease_until=None,
    )


def mark_failed(email_id: int, *, token: uuid.UUID, error: str) -> bool:
    """Out of attempts, or unsendable: a dead letter for a human."""
    return _one("mark_failed", email_id, token=token, last_error=error, **RELEASED)


def requeue(
    email_id: int,
    *,
    token: uuid.UUID,
    error: str,
    send_after: datetime | None = None,
    attempts: int | None = None,
) -> bool:
    """The claim's holder gives it back: try later, or (authentication failed) the attempt too."""
    fields: dict[str, Any] = {"last_error": error, **RELEASED}
    if send_after is not None:
        fields["send_after"] = send_after
    if attempts is not None:
        fields["attempts"] = attempts
    return _one("requeue", email_id, token=token, **fields)


def shadow_requeue(
    email_id: int, *, token: uuid.UUID, send_after: datetime, attempts: int, note: str
) -> bool:
    """Shadow mode recorded it instead of sending: back in the queue, the attempt given back."""
    return _one(
        "shadow_requeue",
        email_id,
        token=token,
        send_after=send_after,
        attempts=attempts,
        last_error=note,
        **RELEASED,
    )


def mark_unknown(*, lease_before: datetime, error: str, now: datetime | None = None) -> int:
    """Every sending row whose lease expired: its sender died mid-send. Never resent blindly."""
    expired = OutboundEmail.objects.filter(lease_until__lt=lease_before)
    return move("mark_unknown", expired, now=now, last_error=error)


def send_again(email_id: int, *, now: datetime, error: str) -> bool:
    """The operator's "send again" for an email whose delivery is unknown."""
    return _one("send_again", email_id, now=now, send_after=now, last_error=error, **RELEASED)


def replay(email_id: int, *, now: datetime, error: str) -> bool:
    """The operator replays a failed send: a fresh set of attempts."""
    return _one("replay", email_id, now=now, attempts=0, send_after=now, last_error=error)


def bounce_sent(email_id: int, *, reason: str) -> bool:
    """A bounce arrived after the server had accepted the email (a DSN, the old system's)."""
    return _one("bounce_sent", email_id, bounce_reason=reason)


def approve(email_id: int, *, now: datetime, reviewer_id: int | None) -> bool:
    """The operator approved a draft: from now on a sender may claim it."""
    return _one("approve", email_id, now=now, reviewed_by_id=reviewer_id, reviewed_at=now)


def reject(email_id: int, *, now: datetime, reviewer_id: int | None, reason: str) -> bool:
    """The operator refused a draft: it is never sent, and the reason stays with it."""
    return _one(
        "reject",
        email_id,
        now=now,
        reviewed_by_id=reviewer_id,
        reviewed_at=now,
        review_note=reason,
        last_error=f"rejected: {reason}",
    )


def cancel(rows: QuerySet[OutboundEmail], *, error: str) -> int:
    """The sequence stopped (suppressed, replied): its emails not yet claimed never go."""
    return move("cancel", rows, last_error=error)


def cancel_unsent(rows: QuerySet[OutboundEmail], *, error: str) -> int:
    """The legacy import: the old system did these steps, or follows the person up itself."""
    return move("cancel_unsent", rows, last_error=error)


def import_over(email_id: int, *, status: str, **fields: Any) -> bool:
    """The legacy import replaces an own row that never went out with the old system's email."""
    name = "import_bounced" if status == BOUNCED else "import_sent"
    return move(name, OutboundEmail.objects.filter(pk=email_id, legacy=False), **fields) == 1


# --- the same transitions as one CTE of a larger statement (PostgreSQL, the send's hot path) ---


def as_sql(name: str, *, where: str, where_params: list[Any], **fields: Any) -> tuple[str, list]:
    """Transition ``name`` as ``UPDATE ... RETURNING id`` for a CTE: the rows matching ``where``
    in one of its from-states. ``claim_sql``/``sent_sql`` below; same guard as ``move``."""
    t = TRANSITIONS[name]
    table = OutboundEmail._meta.db_table
    values = {"status": t.target, "updated_at": fields.pop("now"), **fields}
    columns = ", ".join(f'"{column}" = %s' for column in values)
    states = ", ".join("%s" for _ in t.sources)
    sql = f"UPDATE {table} SET {columns} WHERE {where} AND status IN ({states}) RETURNING id"  # noqa: S608
    return sql, [*values.values(), *where_params, *t.sources]


def claim_sql(*, where: str, where_params: list[Any], **fields: Any) -> tuple[str, list]:
    """``claim`` (same fields) for the one-statement claim (outreach.services.fastclaim)."""
    return as_sql("claim", where=where, where_params=where_params, **fields)


def sent_sql(email_id: int, *, token: uuid.UUID, now: datetime, provider_id: str, raw: str):
    """``mark_sent`` by the claim's holder for the one-statement settle (fastsettle)."""
    extra = {"raw": raw} if raw else {}
    return as_sql(
        "mark_sent",
        where="id = %s AND claim_token = %s",
        where_params=[email_id, token],
        now=now,
        **_delivered(now, provider_id),
        **extra,
    )
