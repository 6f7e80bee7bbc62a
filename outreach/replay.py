"""Dead-letter replay handlers for sending (registered with core.replay)."""

from __future__ import annotations

from django.utils import timezone

from core.errors import Conflict
from core.models import DeadLetter
from core.replay import register
from outreach import transitions


@register(DeadLetter.Kind.SEND)
def requeue_failed_email(letter: DeadLetter) -> None:
    if not transitions.replay(
        letter.payload.get("email"), now=timezone.now(), error="replayed by operator"
    ):
        raise Conflict("the email is no longer failed; nothing to replay", code="not_failed")


@register(DeadLetter.Kind.DELIVERY_UNKNOWN)
def send_unknown_again(letter: DeadLetter) -> None:
    from outreach.services.reconcile import _unknown_email, send_again

    send_again(_unknown_email(letter), timezone.now())
