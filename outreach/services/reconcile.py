"""Expired leases: the sender died between claim and settle. Never resent automatically.

A sending row whose lease expired becomes ``unknown``; we look for its Message-ID in the
inbox's Sent folder (IMAP, Graph, Maildir). Found: it counts as sent. Not found (or the folder
cannot be searched for an hour): a "delivery unknown" dead letter, resolved by the operator with
"assume delivered" or "send again".
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from core.errors import Conflict, NotFound
from core.models import DeadLetter
from core.services import audit_record, deadletter_create, deadletter_resolve
from inboxes import services as inboxes
from inboxes.clients import transport_for
from inboxes.models import Inbox
from outreach import transitions
from outreach.models import OutboundEmail
from outreach.services.domaincaps import caps_release, held
from outreach.services.settle import mark_sent

log = logging.getLogger(__name__)
GIVE_UP_LOOKING = timedelta(hours=1)


def expire_leases(now: datetime) -> int:
    return transitions.mark_unknown(lease_before=now, error="lease expired mid-send", now=now)


def _has_open_letter(email: OutboundEmail) -> bool:
    return DeadLetter.objects.filter(
        kind=DeadLetter.Kind.DELIVERY_UNKNOWN,
        resolved_at=None,
        object_type="outreach.outboundemail",
        object_id=str(email.pk),
    ).exists()


def reconcile_one(email: OutboundEmail, inbox: Inbox, now: datetime) -> str:
    transport = transport_for(inbox)
    try:
        found = transport.find_sent(email.message_id)
    finally:
        transport.close()
    if found:
        with transaction.atomic():
            if (
                OutboundEmail.objects.select_for_update()
                .filter(pk=email.pk, status=OutboundEmail.Status.UNKNOWN)
                .exists()
            ):
                mark_sent(email, now=email.lease_until or now)
        return "found_in_sent"
    if found is None and email.lease_until and now - email.lease_until < GIVE_UP_LOOKING:
        return "retry_later"
    if not _has_open_letter(email):
        deadletter_create(
            kind=DeadLetter.Kind.DELIVERY_UNKNOWN,
            obj=email,
            error=f"Sender stopped mid-send; {email.message_id} is not in the "
            f"Sent folder of {inbox.key}. Assume delivered or send again.",
            payload={
                "email": email.pk,
                "recipient": email.recipient,
                "message_id": email.message_id,
            },
        )
    return "dead_letter"


def reconcile_expired(now: datetime | None = None) -> dict[str, int]:
    now = now or timezone.now()
    report = {"expired": expire_leases(now)}
    unknown = OutboundEmail.objects.filter(status=OutboundEmail.Status.UNKNOWN).select_related(
        "inbox", "enrollment__campaign"
    )
    for email in unknown:
        if email.inbox is None or _has_open_letter(email):
            continue
        try:
            outcome = reconcile_one(email, email.inbox, now)
        except Exception:  # one inbox's surprise must not leave the others unreconciled
            log.exception("reconcile failed", extra={"email": email.pk, "inbox": email.inbox.key})
            outcome = "error"  # still unknown: the next run asks again
        report[outcome] = report.get(outcome, 0) + 1
    return report


def _unknown_email(letter: DeadLetter) -> OutboundEmail:
    email = (
        OutboundEmail.objects.select_related("enrollment__campaign")
        .filter(pk=letter.payload.get("email"))
        .first()
    )
    if email is None:
        raise NotFound("the email of this dead letter no longer exists")
    if email.status != OutboundEmail.Status.UNKNOWN:
        raise _not_unknown(email)
    return email


def _not_unknown(email: OutboundEmail) -> Conflict:
    email.refresh_from_db(fields=["status"])
    return Conflict(f"the email is {email.status} now, not unknown", code="not_unknown")


def resolve_delivery_unknown(
    *,
    letter_id: int,
    assume_delivered: bool,
    actor: Any = None,
) -> DeadLetter:
    """The operator's decision on an email whose delivery is unknown."""
    now = timezone.now()
    with transaction.atomic():
        letter = DeadLetter.objects.select_for_update().get(pk=letter_id)
        email = _unknown_email(letter)
        if assume_delivered:
            if not mark_sent(email, now=email.lease_until or now):
                raise _not_unknown(email)
        else:
            send_again(email, now)
        resolution = (
            DeadLetter.Resolution.ASSUMED_DELIVERED
            if assume_delivered
            else DeadLetter.Resolution.SENT_AGAIN
        )
        audit_record(action=f"email_{resolution}", actor=actor, obj=email)
        return deadletter_resolve(letter_id=letter.pk, resolution=resolution, actor=actor)


def send_again(email: OutboundEmail, now: datetime) -> None:
    """Called inside a transaction: a refusal rolls the slot's release back."""
    caps_release(hold=held(email))
    if email.reserved_day and email.inbox_id:
        inboxes.warmup_release(inbox_id=email.inbox_id, day=email.reserved_day)
    if not transitions.send_again(email.pk, now=now, error="operator: send again"):
        raise _not_unknown(email)  # settled or resolved meanwhile: its slot was not ours
