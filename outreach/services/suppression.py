"""Suppressions (address or domain) and per-recipient unsubscribe tokens."""

from __future__ import annotations

import secrets

from django.db import IntegrityError, transaction
from django.db.models import Q

from core.errors import JenguError
from outreach import transitions
from outreach.models import Enrollment, Suppression, UnsubscribeToken


def _domain(email: str) -> str:
    return email.rpartition("@")[2].strip().lower()


def is_suppressed(email: str) -> Suppression | None:
    email = email.strip().lower()
    if not email:
        return None
    return Suppression.objects.filter(
        Q(email__iexact=email) | Q(domain__iexact=_domain(email))
    ).first()


def suppress(
    *,
    email: str = "",
    domain: str = "",
    reason: str,
    source: str = "",
    detail: str = "",
    actor: str = "system",
) -> Suppression:
    """Idempotent: an existing suppression is kept with its first reason and evidence."""
    email, domain = email.strip().lower(), domain.strip().lower().lstrip("@")
    if bool(email) == bool(domain):
        raise JenguError("give either an email or a domain", code="bad_suppression")
    lookup = {"email__iexact": email} if email else {"domain__iexact": domain}
    existing = Suppression.objects.filter(**lookup).first()
    if existing:
        return existing
    try:
        with transaction.atomic():
            row = Suppression.objects.create(
                email=email,
                domain=domain,
                reason=reason,
                source=source[:100],
                detail=detail[:5000],
                created_by=actor,
            )
    except IntegrityError:
        return Suppression.objects.get(**lookup)
    stop_enrollments_for(email=email, domain=domain, status=_enrollment_status(reason))
    return row


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
    from outreach.models import OutboundEmail

    match = Q(contact__email__iexact=email) if email else Q(contact__email__iendswith=f"@{domain}")
    enrollments = Enrollment.objects.filter(match, status=Enrollment.Status.ACTIVE)
    ids = list(enrollments.values_list("pk", flat=True))
    Enrollment.objects.filter(pk__in=ids).update(status=status, stopped_reason="suppressed")
    transitions.cancel(
        OutboundEmail.objects.filter(enrollment_id__in=ids), error="recipient suppressed"
    )
    return len(ids)


def unsubscribe_token_for(email: str) -> str:
    """Random, stored per recipient, so SECRET_KEY rotation never breaks a sent link."""
    email = email.strip().lower()
    row = UnsubscribeToken.objects.filter(email__iexact=email).first()
    if row:
        return row.token
    try:
        with transaction.atomic():
            return UnsubscribeToken.objects.create(
                email=email, token=secrets.token_urlsafe(32)
            ).token
    except IntegrityError:
        return UnsubscribeToken.objects.get(email__iexact=email).token


def unsubscribe_by_token(token: str) -> str | None:
    """Suppress the token's address. Returns the address, or None for an unknown token."""
    from django.utils import timezone

    row = UnsubscribeToken.objects.filter(token=token).first()
    if row is None:
        return None
    suppress(email=row.email, reason=Suppression.Reason.UNSUBSCRIBE, source="one-click link")
    UnsubscribeToken.objects.filter(pk=row.pk, used_at__isnull=True).update(used_at=timezone.now())
    return row.email
