"""Login security's writes: enrolling a TOTP device, issuing an API token, unlocking logins.

And the reads they hang on: who needs a second factor."""

from __future__ import annotations

from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from core.roles import ADMIN, has_role
from core.services import audit_record

DEVICE_NAME = "Authenticator app"


def confirmed_device(user: Any) -> TOTPDevice | None:
    if not getattr(user, "pk", None):
        return None
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("id").first()


def required_for(user: Any) -> bool:
    """Must this user have a device? The admin role does when JENGU_REQUIRE_2FA is set."""
    return bool(settings.JENGU_REQUIRE_2FA) and has_role(user, ADMIN)


def needs_otp(user: Any) -> bool:
    """Must this user's login carry a code? Yes once enrolled, and always when required."""
    return required_for(user) or confirmed_device(user) is not None


def totp_device_pending(*, user: Any) -> TOTPDevice:
    """The device being set up (made once, kept until it is confirmed), with a fresh key."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def totp_device_confirm(*, device: TOTPDevice, token: str, actor: Any) -> bool:
    """Confirm the device with a code from the app; the user's other devices are removed."""
    with transaction.atomic():
        if not device.verify_token(token.strip()):
            return False
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
        audit_record(action="two_factor.enrol", actor=actor, obj=device.user)
    return True


def api_token_issue(*, user: Any) -> str:
    """The user's API token (one per user, made on first use), after a checked login."""
    token, created = Token.objects.get_or_create(user=user)
    if created:
        audit_record(action="api_token.create", actor=user, obj=user)
    return token.key


def login_unlock(
    *, username: str | None = None, ip: str | None = None, everything: bool = False
) -> list[dict[str, Any]]:
    """Forget the failed logins that match (all of them with ``everything``); idempotent.

    Returns what was unlocked: one ``{"username", "ip", "failures"}`` per attempt row removed.
    """
    if not (username or ip or everything):
        raise ValueError("say what to unlock: a username, an address, or everything")
    rows = AccessAttempt.objects.all()
    if username:
        rows = rows.filter(username=username)
    if ip:
        rows = rows.filter(ip_address=ip)
    unlocked = [
        {"username": r.username, "ip": r.ip_address, "failures": r.failures_since_start}
        for r in rows.order_by("username", "ip_address")
    ]
    if everything:
        AxesProxyHandler.reset_attempts()
    else:
        AxesProxyHandler.reset_attempts(ip_address=ip, username=username)
    if unlocked:
        audit_record(action="login.unlock", detail={"unlocked": unlocked})
    return unlocked
