"""One send pass: for each active inbox with capacity, claim one due email, send it, settle.

Order: every round visits the inboxes healthiest first (lowest bounce rate, then most room
left today, then longest idle), so a first email goes from the healthiest inbox with capacity
and sends spread across inboxes. A sender claims one email right before sending it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django.core.files.base import ContentFile
from django.utils import timezone

from compliance.services import unsubscribe_token_for
from core.errors import JenguError
from inboxes import services as inboxes
from inboxes.clients import Transport
from inboxes.models import Inbox
from outreach.models import OutboundEmail
from outreach.services.fastpass import FastClaims
from outreach.services.ledger import Claim, claim_next
from outreach.services.messages import build_message
from outreach.services.prepare import prepare_due
from outreach.services.settle import settle
from outreach.services.shadow import sending_transport
from outreach.services.tracking_links import tracked_html

log = logging.getLogger(__name__)


@dataclass
class PassReport:
    sent: int = 0
    failed: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)
    skipped: dict[int, str] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        return {
            "sent": self.sent,
            "failed": self.failed,
            "outcomes": self.outcomes,
            "skipped": [{"id": k, "reason": v} for k, v in sorted(self.skipped.items())],
        }


def render(email: OutboundEmail, inbox: Inbox, now: datetime, unsubscribe: str = "") -> bytes:
    return build_message(
        from_name=inbox.display_name,
        from_address=inbox.address,
        to_name=email.contact.name,
        to_address=email.recipient,
        subject=email.subject,
        text=email.body_text,
        html=tracked_html(email),
        message_id=email.message_id,
        in_reply_to=email.in_reply_to,
        references=email.references,
        unsubscribe_token=unsubscribe or unsubscribe_token_for(email.recipient),
        date=now,
    )


def send_claimed(
    claim: Claim,
    transport: Transport,
    now: datetime,
    unsubscribe: str = "",
    fast: FastClaims | None = None,
) -> str:
    email = claim.email
    if email is None:
        email = OutboundEmail.objects.select_related(
            "contact", "inbox", "enrollment__campaign"
        ).get(pk=claim.email_id)
    inbox = email.inbox
    assert inbox is not None, "a claimed email always has its inbox"
    try:
        raw = render(email, inbox, now, unsubscribe)
    except (JenguError, ValueError) as exc:  # the email package rejects some header values too
        from inboxes.clients.base import SendResult

        # Unsendable content is not a delivery problem: fail it for a human, keep the slot free.
        return settle(
            email_id=email.pk,
            token=claim.token,
            now=now,
            result=SendResult("invalid", message=f"unsendable: {getattr(exc, 'message', exc)}"),
        )
    result = transport.send(raw=raw, mail_from=inbox.address, recipients=[email.recipient])
    stored = ""
    if result.accepted:  # stored before the settle (no I/O in its transaction), which records it
        email.raw.save(f"{email.pk}.eml", ContentFile(raw), save=False)
        stored = email.raw.name or ""
        if (
            fast
            and claim.hold
            and fast.settle_sent(claim, now=now, provider_id=result.provider_message_id, raw=stored)
        ):
            return "sent"
    return settle(email_id=email.pk, token=claim.token, result=result, now=now, raw=stored)


def inboxes_by_health(now: datetime) -> list[Inbox]:
    rows = list(Inbox.objects.sendable())
    return sorted(
        rows,
        key=lambda i: (
            i.bounce_rate,
            -inboxes.remaining_today(i, now),
            i.last_send_at or datetime.min.replace(tzinfo=now.tzinfo),
        ),
    )


def _next_gap(ids: list[int], since: datetime) -> float | None:
    """Seconds until the next inbox comes out of its random gap; None when none was waiting
    when the last round began (then nothing more can go out in this pass). A gap that ended
    while the round ran counts (wait 0): the round may have asked that inbox just before."""
    nxt = (
        Inbox.objects.filter(pk__in=ids, status=Inbox.Status.ACTIVE, next_send_at__gt=since)
        .order_by("next_send_at")
        .values_list("next_send_at", flat=True)
        .first()
    )
    return max(0.0, (nxt - timezone.now()).total_seconds()) if nxt else None


def run_send_pass(
    *,
    count: int | None = None,
    max_seconds: float = 0,
    clock: Callable[[], datetime] = timezone.now,
) -> PassReport:
    """Send what is due now. With ``max_seconds`` it waits out the inboxes' random gaps."""
    report, started = PassReport(), time.monotonic()
    prepare_due(now=clock())
    order = inboxes_by_health(clock())
    transports: dict[int, Transport] = {}
    fast = FastClaims.start(order)
    try:
        while count is None or report.sent + report.failed < count:
            round_began = timezone.now()
            progressed = _round(order, transports, report, count, clock, fast)
            if progressed:
                continue
            wait = _next_gap([i.pk for i in order], since=round_began)
            left = max_seconds - (time.monotonic() - started)
            if wait is None or wait > left or left <= 0:
                break
            time.sleep(min(wait + 0.05, left))
    finally:
        for transport in transports.values():
            transport.close()
    return report


def _round(
    order: list[Inbox],
    transports: dict[int, Transport],
    report: PassReport,
    count: int | None,
    clock: Callable[[], datetime],
    fast: FastClaims | None,
) -> bool:
    progressed = False
    for inbox in order:
        if count is not None and report.sent + report.failed >= count:
            break
        claim = fast.claim(inbox.pk, clock(), report.skipped) if fast else None
        if claim is None:
            claim = claim_next(inbox_id=inbox.pk, now=clock(), skipped=report.skipped)
            if claim is not None and fast:
                fast.claimed_elsewhere(claim)
        if claim is None:
            continue
        progressed = True
        report.skipped.pop(claim.email_id, None)
        transport = transports.get(inbox.pk)
        if transport is None:  # one connection per inbox for the whole pass
            transport = transports[inbox.pk] = sending_transport(
                Inbox.objects.get(pk=inbox.pk), clock
            )
        unsubscribe = fast.due.token(claim.email.recipient) if fast and claim.email else ""
        outcome = send_claimed(claim, transport, clock(), unsubscribe, fast)
        report.outcomes[outcome] = report.outcomes.get(outcome, 0) + 1
        if outcome == "sent":
            report.sent += 1
        elif outcome in ("failed", "bounced"):
            report.failed += 1
    return progressed
