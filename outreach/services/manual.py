"""POST /api/send-email: an operator's send, outside the stage gate but inside every policy."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils import timezone

from compliance.services import is_suppressed
from core.errors import Conflict, LimitReached, NotFound, Unprocessable
from core.services import audit_record
from inboxes import services as inboxes
from inboxes.models import Inbox
from outreach.models import Campaign, Enrollment, OutboundEmail
from outreach.services import policy
from outreach.services.prepare import email_prepare, enroll
from prospects.models import Contact, Prospect
from prospects.services.sendable import sendable_verification


def _contact(prospect: Prospect, contact_id: int | None) -> Contact:
    if contact_id is not None:
        contact = prospect.contacts.filter(pk=contact_id).first()
        if contact is None:
            raise NotFound(
                f"prospect {prospect.pk} has no contact {contact_id}", code="contact_not_found"
            )
        return contact
    contact = prospect.contacts.exclude(email="").order_by("-is_primary", "pk").first()
    if contact is None:
        raise Unprocessable(f"prospect {prospect.pk} has no contact email", code="no_contact_email")
    return contact


def _capacity(enrollment: Enrollment) -> int:
    now = timezone.now()
    pool = [enrollment.inbox] if enrollment.inbox is not None else list(Inbox.objects.sendable())
    return sum(inboxes.remaining_today(i, now) for i in pool if i.status == Inbox.Status.ACTIVE)


def _check_policy(contact: Contact) -> None:
    if not contact.email:
        raise Unprocessable("the contact has no email address", code="no_contact_email")
    if is_suppressed(contact.email):
        raise Conflict(f"{contact.email} is suppressed", code="suppressed")
    if not sendable_verification(contact):
        raise Unprocessable(
            f"{contact.email} is {contact.verification}; the send policy does not allow it",
            code="not_sendable",
        )


@dataclass(frozen=True)
class Queued:
    email: OutboundEmail
    send_after: datetime  # the earliest moment a send pass may take it
    reason: str  # why not sooner


def send_email_request(
    *,
    prospect_id: int,
    contact_id: int | None = None,
    strategy: str | None = None,
    actor: Any = None,
) -> Queued:
    prospect = Prospect.objects.filter(pk=prospect_id).first()
    if prospect is None:
        raise NotFound(f"no prospect {prospect_id}", code="prospect_not_found")
    contact = _contact(prospect, contact_id)
    _check_policy(contact)
    now = timezone.now()
    enrollment = (
        Enrollment.objects.filter(contact=contact, status=Enrollment.Status.ACTIVE)
        .select_related("campaign", "inbox")
        .first()
    )
    if enrollment is None:
        manual = Campaign.objects.filter(name=Campaign.MANUAL).first()
        if manual is None:
            from outreach.seed import seed_campaigns

            seed_campaigns()
            manual = Campaign.objects.get(name=Campaign.MANUAL)
        enrollment, _ = enroll(contact=contact, campaign=manual, now=now)
        if enrollment.status != Enrollment.Status.ACTIVE:
            raise Conflict(
                f"{contact.email} finished the Manual sequence ({enrollment.status})",
                code="sequence_finished",
            )
    if enrollment.emails.in_flight().exists():
        raise Conflict("an email to this contact is already in flight", code="in_flight")
    if _capacity(enrollment) <= 0:
        raise LimitReached(
            "warmup limit reached for today on every usable inbox", code="warmup_exhausted"
        )
    Enrollment.objects.filter(pk=enrollment.pk).update(next_send_at=now)
    enrollment.next_send_at = now
    email = email_prepare(enrollment=enrollment, now=now, strategy=strategy)
    if email is None:
        raise Conflict(
            "the contact's next step is not due yet (its delay has not passed)", code="too_soon"
        )
    audit_record(action="send_email_requested", actor=actor, obj=email)
    return _hold_until_open(email, now)


def email_wait(*, email: OutboundEmail, now: datetime) -> tuple[datetime, str]:
    """(the earliest moment a send pass may take ``email``, why not sooner).

    The step's delay comes first; then the recipient's window: business hours on a send day
    that is neither a public holiday in their country nor a blackout day.
    """
    reasons: list[str] = []
    due = max(email.send_after, now)
    if email.send_after > now and email.step > 1:
        delay = email.enrollment.campaign.steps.filter(number=email.step).first()
        days = delay.delay_days if delay else 0
        reasons.append(f"step {email.step} follows step {email.step - 1} after {days} day(s)")
    inbox = email.inbox or email.enrollment.inbox
    zone = policy.recipient_zone(email.prospect, inbox.timezone if inbox else "UTC")
    window = {
        "country": email.prospect.country,
        "blackout": email.enrollment.campaign.blackout_dates,
    }
    wait = policy.wait_reason(zone, due, **window)
    if wait:
        reasons.append(wait)
        due = policy.next_window_start(zone, due, **window)
    return due, "; ".join(reasons) or "due now: the next send pass sends it"


def _hold_until_open(email: OutboundEmail, now: datetime) -> Queued:
    """Move ``send_after`` to when the email may really go, so the ledger shows the truth."""
    due, reason = email_wait(email=email, now=now)
    if due > email.send_after:
        OutboundEmail.objects.filter(pk=email.pk, send_after__lt=due).update(send_after=due)
        email.send_after = due
    return Queued(email=email, send_after=due, reason=reason)
