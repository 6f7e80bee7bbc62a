"""Shadow mode (``JENGU_SHADOW=true``), the migration's parallel run: the whole pipeline runs,
emails are written and claimed with their inbox and warmup slot, and then, instead of the
transport, a ``ShadowSend`` records what would have gone out, from which inbox, when.

The claimed email goes back to the queue for tomorrow (so a pass records it once a day), its
warmup slot and its attempt are given back, and its enrollment never advances: Jengu keeps
believing the step is still to send, which is true. After the cut-over it is sent for real,
unless the final import shows the old system sent that step meanwhile (then the import cancels
it and keeps the old email).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction

from inboxes import services as inboxes
from outreach.models import OutboundEmail, ShadowSend
from outreach.services.ledger import Claim

RETRY_AFTER = timedelta(days=1)
NOTE = "shadow mode: recorded, not sent"


def shadow_settle(*, claim: Claim, now: datetime) -> str:
    """Settle a claim in shadow mode. Like ``settle``, only the claim's holder may."""
    with transaction.atomic():
        email = (
            OutboundEmail.objects.select_for_update()
            .filter(pk=claim.email_id, claim_token=claim.token, status=OutboundEmail.Status.SENDING)
            .first()
        )
        if email is None:
            return "lost"
        ShadowSend.objects.create(
            email=email,
            inbox_id=claim.inbox_id,
            from_address=email.from_address,
            recipient=email.recipient.lower(),
            step=email.step,
            subject=email.subject[:300],
            message_id=email.message_id,
            at=now,
        )
        inboxes.warmup_release(inbox_id=claim.inbox_id, day=claim.day)  # type: ignore[arg-type]
        OutboundEmail.objects.filter(pk=email.pk).update(
            status=OutboundEmail.Status.QUEUED,
            claim_token=None,
            lease_until=None,
            reserved_day=None,
            attempts=max(0, email.attempts - 1),
            send_after=now + RETRY_AFTER,
            last_error=NOTE,
        )
    return "shadow"
