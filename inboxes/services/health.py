"""InboxState: circuit breaker, rolling bounce and complaint rates, pause and resume.

Circuit: opens after 3 consecutive failures, half-open 5 minutes later (one trial send), closes
on a success. Bounce rate: bounces / used slots over the last BOUNCE_WINDOW_DAYS (7) inbox-local
days; above BOUNCE_PAUSE_RATE (5%) with at least BOUNCE_MIN_SAMPLE (20) sends, the inbox pauses
itself and raises an alert. Complaints: above 0.3% with at least 200 sends. Three sender-problem
bounces (blocked, spam, SPF/DKIM/DMARC) in one day pause it too. Only an operator resumes it.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone

from core.models import Alert
from core.services import alert_raise, audit_record
from inboxes.models import Inbox, InboxDay
from inboxes.services.warmup import local_date

log = logging.getLogger(__name__)
CIRCUIT_THRESHOLD = 3
CIRCUIT_COOLDOWN = timedelta(minutes=5)
SENDER_PROBLEM_BURST = 3


# --- circuit breaker ----------------------------------------------------------------------
def circuit_allows(inbox: Inbox, now: datetime) -> bool:
    """May we try this inbox now? Moves an open circuit to half-open after the cool-down."""
    if inbox.circuit != Inbox.Circuit.OPEN:
        return True
    if inbox.circuit_opened_at and now - inbox.circuit_opened_at >= CIRCUIT_COOLDOWN:
        Inbox.objects.filter(pk=inbox.pk, circuit=Inbox.Circuit.OPEN).update(
            circuit=Inbox.Circuit.HALF_OPEN
        )
        inbox.circuit = Inbox.Circuit.HALF_OPEN
        return True
    return False


def record_success(*, inbox_id: int, now: datetime) -> None:
    inbox = Inbox.objects.filter(pk=inbox_id).first()
    if inbox is None:
        return
    # Every send moves the sample: a rate refreshed only on bounces read "0.0% of 0" for days.
    # One UPDATE with the new rates (this runs after every send: one commit, not two).
    Inbox.objects.filter(pk=inbox_id).update(
        consecutive_failures=0,
        circuit=Inbox.Circuit.CLOSED,
        circuit_opened_at=None,
        last_success_at=now,
        last_send_at=now,
        **_rates(inbox, now),
    )


def record_failure(*, inbox_id: int, now: datetime, error: str) -> Inbox:
    with transaction.atomic():
        inbox = Inbox.objects.select_for_update().get(pk=inbox_id)
        inbox.consecutive_failures += 1
        inbox.last_error, inbox.last_error_at = error[:2000], now
        fields = ["consecutive_failures", "last_error", "last_error_at"]
        if (
            inbox.circuit == Inbox.Circuit.HALF_OPEN
            or inbox.consecutive_failures >= CIRCUIT_THRESHOLD
        ):
            inbox.circuit, inbox.circuit_opened_at = Inbox.Circuit.OPEN, now
            fields += ["circuit", "circuit_opened_at"]
        inbox.save(update_fields=[*fields, "updated_at"])
    if inbox.circuit == Inbox.Circuit.OPEN:
        log.warning("inbox circuit open", extra={"inbox": inbox.key, "error": error[:200]})
    return inbox


# --- pause / resume -----------------------------------------------------------------------
def inbox_pause(*, inbox: Inbox, reason: str, actor: Any = None, automatic: bool = False) -> bool:
    """Idempotent. Returns True when the inbox changed state."""
    now = timezone.now()
    changed = Inbox.objects.filter(pk=inbox.pk, status=Inbox.Status.ACTIVE).update(
        status=Inbox.Status.PAUSED, pause_reason=reason[:300], paused_at=now, updated_at=now
    )
    inbox.refresh_from_db()
    if changed:
        audit_record(
            action="inbox_auto_paused" if automatic else "inbox_paused",
            actor=actor,
            obj=inbox,
            detail={"reason": reason},
        )
        log.warning("inbox paused", extra={"inbox": inbox.key, "reason": reason})
        if automatic:
            alert_raise(
                kind=Alert.Kind.INBOX_PAUSED,
                title=f"Inbox {inbox.key} paused itself",
                body=reason,
                data={"inbox": inbox.key},
                dedup_key=f"inbox_paused:{inbox.pk}:{now:%Y%m%d%H%M}",
            )
    return bool(changed)


def inbox_resume(*, inbox: Inbox, actor: Any = None) -> bool:
    now = timezone.now()
    changed = Inbox.objects.filter(pk=inbox.pk, status=Inbox.Status.PAUSED).update(
        status=Inbox.Status.ACTIVE,
        pause_reason="",
        paused_at=None,
        circuit=Inbox.Circuit.CLOSED,
        consecutive_failures=0,
        updated_at=now,
    )
    inbox.refresh_from_db()
    if changed:
        audit_record(action="inbox_resumed", actor=actor, obj=inbox)
    return bool(changed)


# --- bounce and complaint rates -----------------------------------------------------------
def window_totals(inbox: Inbox, now: datetime) -> dict[str, int]:
    since = local_date(inbox, now) - timedelta(days=settings.JENGU["BOUNCE_WINDOW_DAYS"] - 1)
    agg = InboxDay.objects.filter(inbox=inbox, date__gte=since).aggregate(
        sent=Sum("sent"), bounced=Sum("bounced"), complaints=Sum("complaints")
    )
    return {k: v or 0 for k, v in agg.items()}


def _rates(inbox: Inbox, now: datetime) -> dict[str, float]:
    """The window's sample and rates, also set on ``inbox``."""
    totals = window_totals(inbox, now)
    sent = totals["sent"]
    inbox.bounce_sample = sent
    inbox.bounce_rate = totals["bounced"] / sent if sent else 0.0
    inbox.complaint_rate = totals["complaints"] / sent if sent else 0.0
    return {
        "bounce_sample": inbox.bounce_sample,
        "bounce_rate": inbox.bounce_rate,
        "complaint_rate": inbox.complaint_rate,
    }


def recompute_rates(*, inbox: Inbox, now: datetime) -> Inbox:
    Inbox.objects.filter(pk=inbox.pk).update(**_rates(inbox, now))
    return inbox


def _pause_reason(inbox: Inbox, day_row: InboxDay | None) -> str:
    cfg = settings.JENGU
    if (
        inbox.bounce_sample >= cfg["BOUNCE_MIN_SAMPLE"]
        and inbox.bounce_rate > cfg["BOUNCE_PAUSE_RATE"]
    ):
        return (
            f"Bounce rate {inbox.bounce_rate:.1%} over the last {cfg['BOUNCE_WINDOW_DAYS']} "
            f"days ({inbox.bounce_sample} sends) is above {cfg['BOUNCE_PAUSE_RATE']:.0%}"
        )
    if (
        inbox.bounce_sample >= cfg["COMPLAINT_MIN_SAMPLE"]
        and inbox.complaint_rate > cfg["COMPLAINT_PAUSE_RATE"]
    ):
        return (
            f"Complaint rate {inbox.complaint_rate:.2%} is above {cfg['COMPLAINT_PAUSE_RATE']:.1%}"
        )
    if day_row and day_row.sender_problems >= SENDER_PROBLEM_BURST:
        return f"{day_row.sender_problems} sender-problem bounces today"
    return ""


def record_bounce(
    *,
    inbox_id: int,
    now: datetime,
    sender_problem: bool = False,
    complaint: bool = False,
    cause: str = "",
    counted: bool = False,
) -> Inbox:
    """Count a bounce or complaint on today's row and apply the auto-pause rule.

    ``counted``: a send-time rejection whose bounce warmup_consume already counted.
    """
    return record_bounces(
        inbox_id=inbox_id,
        now=now,
        bounced=0 if complaint or counted else 1,
        complaints=1 if complaint else 0,
        sender_problems=1 if sender_problem else 0,
        cause=cause,
    )


def record_bounces(
    *,
    inbox_id: int,
    now: datetime,
    bounced: int = 0,
    complaints: int = 0,
    sender_problems: int = 0,
    cause: str = "",
) -> Inbox:
    """``record_bounce`` for several at once (the reply check counts a chunk's bounces in one
    go): one lock, one update, one look at the auto-pause rule."""
    with transaction.atomic():
        # Inbox before InboxDay, the order a claim takes them in: never a deadlock.
        inbox = Inbox.objects.select_for_update().get(pk=inbox_id)
        day = local_date(inbox, now)
        InboxDay.objects.bulk_create(
            [InboxDay(inbox=inbox, date=day, limit=0)], ignore_conflicts=True
        )
        InboxDay.objects.filter(inbox=inbox, date=day).update(
            bounced=F("bounced") + bounced,
            complaints=F("complaints") + complaints,
            sender_problems=F("sender_problems") + sender_problems,
        )
        recompute_rates(inbox=inbox, now=now)
        reason = _pause_reason(inbox, InboxDay.objects.filter(inbox=inbox, date=day).first())
    if reason:
        inbox_pause(
            inbox=inbox,
            reason=reason + (f"; likely cause: {cause}" if cause else ""),
            automatic=True,
        )
    return inbox
