"""What a suppression does to outreach: running sequences of that address stop.

The list itself and the unsubscribe tokens belong to ``compliance``; every write of a
suppression that should stop sequences (replies, bounces, the one-click link, the admin,
the legacy import) goes through ``suppress`` here.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from compliance import services as compliance
from compliance.models import Suppression
from outreach.models import Enrollment
from outreach.services.sequences import enrollments_stop
from prospects.models import Contact, Prospect
from prospects.services import contact_mark_invalid, prospect_lose, prospect_score
from prospects.services.sendable import sendable_contacts


def suppress(**fields: Any) -> Suppression:
    """``compliance.suppression_add`` (same keyword arguments: email or domain, reason, source,
    detail, actor), then the address's running sequences stop. Idempotent: an existing
    suppression is kept with its first reason and evidence."""
    row, created = compliance.suppression_add(**fields)
    if created:
        stop_enrollments_for(
            email=row.email, domain=row.domain, status=_enrollment_status(row.reason)
        )
        lose_unreachable(row)
    return row


def suppression_change(row: Suppression) -> Suppression:
    """An operator's edit: stored, and the (possibly new) address stops being emailed. An
    erased person's row (hashes only) names no address: its sequences were erased with them."""
    row = compliance.suppression_save(row)
    if row.is_hashed:
        return row
    stop_enrollments_for(email=row.email, domain=row.domain, status=_enrollment_status(row.reason))
    lose_unreachable(row)
    return row


def lose_unreachable(row: Suppression) -> int:
    """Contacted prospects left with no address we may write to are rescored and lost, so that
    a bounced, suppressed hotel never reads "contacted / hot 94". One still reachable through
    another contact is left alone, and so are the other stages: before contact the scoring
    moves ready back to enriched; past it, a conversation is the operator's to close.
    """
    if row.email and row.reason == Suppression.Reason.BOUNCE:
        contact_mark_invalid(email=row.email)  # a DSN suppresses before it marks the contact
    match = Q(email__iexact=row.email) if row.email else Q(email__iendswith=f"@{row.domain}")
    ids = Contact.objects.filter(match).values_list("prospect_id", flat=True)
    lost = 0
    for prospect in Prospect.objects.filter(pk__in=ids, stage=Prospect.Stage.CONTACTED):
        if sendable_contacts(list(prospect.contacts.all())):
            continue
        prospect_score(prospect=prospect)
        why = "address bounced" if row.reason == Suppression.Reason.BOUNCE else "suppressed"
        lost += prospect_lose(prospect_id=prospect.pk, reason=f"{why}: no address left")
    return lost


def _enrollment_status(reason: str) -> str:
    if reason == Suppression.Reason.BOUNCE:
        return Enrollment.Status.BOUNCED
    if reason in (
        Suppression.Reason.UNSUBSCRIBE,
        Suppression.Reason.OPT_OUT_REPLY,
        Suppression.Reason.COMPLAINT,
    ):
        return Enrollment.Status.UNSUBSCRIBED
    return Enrollment.Status.STOPPED


def stop_enrollments_for(*, email: str = "", domain: str = "", status: str) -> int:
    match = Q(contact__email__iexact=email) if email else Q(contact__email__iendswith=f"@{domain}")
    enrollments = Enrollment.objects.filter(match, status=Enrollment.Status.ACTIVE)
    return enrollments_stop(
        ids=enrollments.values_list("pk", flat=True),
        reason="suppressed",
        status=status,
        email_error="recipient suppressed",
    )


def unsubscribe_by_token(token: str) -> str | None:
    """Suppress the token's address. Returns the address, or None for an unknown token."""
    email = compliance.unsubscribe_token_email(token)
    if email is None:
        return None
    suppress(email=email, reason=Suppression.Reason.UNSUBSCRIBE, source="one-click link")
    compliance.unsubscribe_token_used(token)
    return email
