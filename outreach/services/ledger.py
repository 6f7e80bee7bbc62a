"""The send ledger: claim (with the warmup slot) -> commit -> send -> settle WHERE token = mine.

django-q2 delivers tasks at least once; exactly-once sending lives here, in the database.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models import Q, QuerySet

from compliance.services import is_suppressed
from core.services import emergency_stop_active
from inboxes import services as inboxes
from inboxes.models import Inbox
from outreach import transitions
from outreach.models import Enrollment, OutboundEmail
from outreach.services import domaincaps, policy
from outreach.services.messages import message_id_domain, new_message_id
from outreach.services.suppression import stop_enrollments_for

log = logging.getLogger(__name__)
PAGE = 10  # most claims take the first row: small pages keep the claim short
MAX_PAGES = 20


@dataclass(frozen=True)
class Claim:
    email_id: int
    token: uuid.UUID
    inbox_id: int
    day: date  # inbox-local day of the warmup slot
    hold: domaincaps.Hold | None = None  # the UTC day's domain/provider cap slots
    # The row as claimed, with its contact and inbox: the send builds the message from it
    # without reading it again (it was locked and loaded in the claim's transaction).
    email: OutboundEmail | None = field(default=None, compare=False, repr=False)


def _lock(qs):
    # skip_locked lets concurrent passes work on different rows instead of queueing.
    if connection.features.has_select_for_update_skip_locked:
        return qs.select_for_update(skip_locked=True, of=("self",))
    return qs.select_for_update()


def due_for(inbox_ids: list[int], now: datetime) -> QuerySet[OutboundEmail]:
    """Due emails these inboxes may send (their own, or of an enrollment sticky to none of
    them yet or to one of them), oldest first, with what the message build reads."""
    sticky = (
        Q(inbox_id__in=inbox_ids)
        | Q(inbox__isnull=True, enrollment__inbox__isnull=True)
        | Q(inbox__isnull=True, enrollment__inbox_id__in=inbox_ids)
    )
    return (
        OutboundEmail.objects.filter(
            sticky,
            status=OutboundEmail.Status.QUEUED,
            send_after__lte=now,
            enrollment__status=Enrollment.Status.ACTIVE,
        )
        .select_related("prospect", "enrollment__campaign", "contact")
        .order_by("send_after", "pk")
    )


def _candidates(inbox: Inbox, now: datetime) -> Iterator[OutboundEmail]:
    """Due emails this inbox may send, oldest first, locked a page at a time (skip_locked)."""
    qs = due_for([inbox.pk], now)
    after: tuple[datetime, int] | None = None
    for _page in range(MAX_PAGES):
        page_qs = qs
        if after is not None:
            page_qs = qs.filter(
                Q(send_after__gt=after[0]) | Q(send_after=after[0], pk__gt=after[1])
            )
        page = list(_lock(page_qs)[:PAGE])
        yield from page
        if len(page) < PAGE:
            return
        after = (page[-1].send_after, page[-1].pk)


def wait_reason(email: OutboundEmail, inbox: Inbox, now: datetime) -> str:
    """Why this inbox may not send this email now, the suppression apart ("" = it may)."""
    if email.enrollment.inbox_id not in (None, inbox.pk):
        return "sticky to another inbox"
    # business hours, a public holiday or a blackout day of the recipient
    return policy.wait_reason(
        policy.recipient_zone(email.prospect, inbox.timezone),
        now,
        country=email.prospect.country,
        blackout=email.enrollment.campaign.blackout_dates,
    )


def _eligible(email: OutboundEmail, inbox: Inbox, now: datetime) -> str:
    """Why this email may not go now ("" = it may)."""
    if wait := wait_reason(email, inbox, now):
        return wait
    return "suppressed" if is_suppressed(email.recipient) else ""


def _cancel_suppressed(email: OutboundEmail) -> None:
    stop_enrollments_for(email=email.recipient, status=Enrollment.Status.UNSUBSCRIBED)
    transitions.cancel(OutboundEmail.objects.filter(pk=email.pk), error="recipient suppressed")


def _pick(
    inbox: Inbox, now: datetime, skipped: dict[int, str]
) -> tuple[OutboundEmail, domaincaps.Hold] | None:
    seen: domaincaps.Seen = {}
    for email in _candidates(inbox, now):
        reason = _eligible(email, inbox, now)
        if not reason:
            hold, reason = domaincaps.caps_reserve(email=email, now=now, seen=seen)
            if hold is not None:
                return email, hold
            domaincaps.defer_capped(email_id=email.pk, now=now)
        if reason == "suppressed":
            _cancel_suppressed(email)
        skipped[email.pk] = reason
    return None


def claim_next(
    *,
    inbox_id: int,
    now: datetime,
    skipped: dict[int, str] | None = None,
) -> Claim | None:
    """Claim one email for this inbox and reserve its warmup slot, in one short transaction."""
    skipped = {} if skipped is None else skipped
    with transaction.atomic():
        if emergency_stop_active():
            return None
        inbox = Inbox.objects.select_for_update().get(pk=inbox_id)
        if inbox.status != Inbox.Status.ACTIVE or not inboxes.circuit_allows(inbox, now):
            return None
        if not inboxes.preflight_allows(inbox):  # JENGU_DNS_PREFLIGHT=enforce: SPF/DMARC fail
            return None
        if inbox.next_send_at and inbox.next_send_at > now:
            return None
        picked = _pick(inbox, now, skipped)
        if picked is None:
            return None
        email, hold = picked
        day = inboxes.warmup_reserve(inbox=inbox, now=now)
        if day is None:
            domaincaps.caps_release(hold=hold)
            skipped[email.pk] = "warmup limit reached"
            return None
        return _take(email, inbox, now, day, hold)


def _take(
    email: OutboundEmail, inbox: Inbox, now: datetime, day: date, hold: domaincaps.Hold
) -> Claim:
    token, attempts, message_id = uuid.uuid4(), email.attempts + 1, email.message_id
    if attempts == 1 and email.step == 1 and message_id_domain(message_id) != inbox.domain:
        # Stamped before any send, in this same transaction: it never changes once tried.
        message_id = new_message_id(inbox.domain)
    if not transitions.claim(
        email.pk,
        token=token,
        inbox_id=inbox.pk,
        lease_until=now + timedelta(seconds=settings.JENGU["SEND_LEASE_SECONDS"]),
        reserved_day=day,
        cap_day=hold.day,
        cap_provider=hold.provider,
        attempts=attempts,
        from_address=inbox.address,
        message_id=message_id,
        now=now,
    ):
        # The row is locked and was queued: this cannot happen. Roll back the warmup slot.
        raise DatabaseError(f"claim of email {email.pk} did not apply")
    if email.enrollment.inbox_id is None:
        Enrollment.objects.filter(pk=email.enrollment_id, inbox__isnull=True).update(inbox=inbox)
    Inbox.objects.filter(pk=inbox.pk).update(next_send_at=now + policy.random_gap())
    email.claim_token, email.inbox = token, inbox
    email.attempts, email.message_id, email.reserved_day = attempts, message_id, day
    email.from_address = inbox.address
    return Claim(email.pk, token, inbox.pk, day, hold, email)
