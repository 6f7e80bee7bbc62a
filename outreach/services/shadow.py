"""Shadow mode (``JENGU_SHADOW=true``), the migration's parallel run: a transport that records.

The whole pipeline runs: emails are written, claimed with their inbox and warmup slot and
rendered, and then ``ShadowTransport`` records a ``ShadowSend`` (what would have gone out, from
which inbox, when) instead of transmitting. Its result settles through ``settle`` like any
other: the email goes back to the queue for tomorrow (so a pass records it once a day), its
warmup slot and its attempt are given back, and its enrollment never advances. Jengu keeps
believing the step is still to send, which is true; after the cut-over it is sent for real,
unless the final import shows the old system sent that step meanwhile (then the import cancels
it and keeps the old email).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from email.parser import BytesHeaderParser
from email.policy import default

from django.conf import settings
from django.utils import timezone

from inboxes import services as inboxes
from inboxes.clients import SendResult, Transport, transport_for
from inboxes.models import Inbox
from outreach import transitions
from outreach.models import OutboundEmail, ShadowSend
from outreach.services.domaincaps import caps_release, held

SHADOW = "shadow"  # the SendResult outcome, and the send pass's outcome
RETRY_AFTER = timedelta(days=1)
NOTE = "shadow mode: recorded, not sent"


def sending_transport(inbox: Inbox, clock: Callable[[], datetime] = timezone.now) -> Transport:
    """The send pass's transport for an inbox: its own, or in shadow mode one that records."""
    if settings.JENGU["SHADOW"]:
        return ShadowTransport(inbox, clock)
    return transport_for(inbox)


class ShadowTransport:
    """Sends nothing: records the claimed email as a ``ShadowSend`` and answers ``shadow``."""

    def __init__(self, inbox: Inbox, clock: Callable[[], datetime] = timezone.now) -> None:
        self.inbox = inbox
        self.clock = clock

    def send(self, *, raw: bytes, mail_from: str, recipients: list[str]) -> SendResult:
        message_id = str(BytesHeaderParser(policy=default).parsebytes(raw)["Message-ID"]).strip()
        # Only while it is being sent: one whose lease expired meanwhile (unknown now) records
        # nothing, and its settle is refused too.
        email = OutboundEmail.objects.filter(
            message_id=message_id, inbox=self.inbox, status=OutboundEmail.Status.SENDING
        ).first()
        if email is not None:
            ShadowSend.objects.create(
                email=email,
                inbox_id=self.inbox.pk,
                from_address=email.from_address,
                recipient=email.recipient.lower(),
                step=email.step,
                subject=email.subject[:300],
                message_id=email.message_id,
                at=self.clock(),
            )
        return SendResult(SHADOW, message=NOTE)

    def find_sent(self, message_id: str) -> bool | None:
        return False  # it never sends anything

    def close(self) -> None:
        return None


def settle_shadow(email: OutboundEmail, now: datetime) -> str:
    """The settle of a shadow result (the claim is held and locked by ``settle``)."""
    token, inbox_id, day = email.claim_token, email.inbox_id, email.reserved_day
    assert token is not None and inbox_id is not None and day is not None, "a claimed email"
    if not transitions.shadow_requeue(
        email.pk,
        token=token,
        send_after=now + RETRY_AFTER,
        attempts=max(0, email.attempts - 1),
        note=NOTE,
    ):
        return "lost"  # its lease expired meanwhile: unknown now, reconciled like any other
    caps_release(hold=held(email))
    inboxes.warmup_release(inbox_id=inbox_id, day=day)
    return SHADOW
