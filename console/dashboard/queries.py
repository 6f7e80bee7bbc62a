"""What the dashboard shows, as plain data: each function is one question an operator asks."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import TruncDate

from aiengine.models import AIUsage
from console.forecast import with_imagined_start
from core.models import AIUsageDaily, Alert, DeadLetter, Switch
from inboxes.models import Inbox, InboxDay
from inboxes.services import local_date, warmup_limit, warmup_week
from outreach.models import InboundMessage, OutboundEmail
from outreach.services.policy import parse_days
from prospects.models import Prospect
from prospects.services.stages import FORWARD

FUNNEL = list(FORWARD)
INTENT_LABELS = {
    "meeting_request": "Meeting request",
    "interested": "Interested",
    "needs_info": "Needs info",
    "delegation": "Delegated",
    "not_interested": "Not interested",
    "unsubscribe": "Unsubscribe",
    "out_of_office": "Out of office",
    "unclear": "Unclear",
    "": "Not classified",
}
OTHER_KINDS = {
    InboundMessage.Kind.AUTO_REPLY: "Auto-reply",
    InboundMessage.Kind.BOUNCE: "Bounce",
    InboundMessage.Kind.UNSUBSCRIBE: "Unsubscribe (one word)",
    InboundMessage.Kind.COMPLAINT: "Complaint",
}
MAX_INBOX_CHARTS = 12


def shown_inboxes() -> list[Inbox]:
    return list(Inbox.objects.exclude(status=Inbox.Status.DISABLED).order_by("key"))


# --- warmup ---------------------------------------------------------------------------------
def warmup_days(inbox: Inbox, now: datetime, back: int, ahead: int) -> list[dict[str, Any]]:
    """Sends and limit per inbox-local day: the last ``back`` days ending with today (a day
    before the inbox existed shows nothing, greyed), and ``ahead`` days of the ramp to come."""
    today = local_date(inbox, now)
    first = today - timedelta(days=back - 1)  # "last 14 days" = 14 bars, today the last one
    born = local_date(inbox, inbox.created_at)
    rows = {row.date: row for row in InboxDay.objects.filter(inbox=inbox, date__gte=first)}
    sim = with_imagined_start(inbox, now)
    send_days = parse_days(settings.JENGU["SEND_DAYS"])
    days = []
    for offset in range(back + ahead):
        day = first + timedelta(days=offset)
        row = rows.get(day)
        days.append(
            {
                "day": day,
                "sent": (row.sent + row.reserved if row else 0) if day <= today else None,
                "limit": _day_limit(day, row, sim, today, born),
                "off": day < born or day.weekday() not in send_days,
            }
        )
    return days


def _day_limit(day: date, row: InboxDay | None, sim: Inbox, today: date, born: date) -> int:
    if day < born:
        return 0  # the inbox did not exist yet
    return row.limit if row and day < today else warmup_limit(sim, day)


def warmup_summary(inbox: Inbox, now: datetime) -> dict[str, Any]:
    today = local_date(inbox, now)
    row = InboxDay.objects.filter(inbox=inbox, date=today).first()
    limit = warmup_limit(inbox, today)
    used = (row.sent + row.reserved) if row else 0
    return {
        "inbox": inbox,
        "today": today,
        "week": warmup_week(inbox, today),
        "limit": limit,
        "sent": row.sent if row else 0,
        "reserved": row.reserved if row else 0,
        "remaining": max(0, limit - used) if inbox.status == Inbox.Status.ACTIVE else 0,
    }


# --- prospects and replies ------------------------------------------------------------------
def funnel_counts() -> dict[str, int]:
    rows = Prospect.objects.active().values("stage").annotate(n=Count("id"))
    counts = {row["stage"]: row["n"] for row in rows}
    return {str(stage): counts.get(stage, 0) for stage in [*FUNNEL, Prospect.Stage.LOST]}


def _human_replies(since: datetime) -> QuerySet[InboundMessage]:
    # An out-of-office is a machine's answer even when it came back as a plain reply.
    return InboundMessage.objects.filter(
        created_at__gte=since, kind=InboundMessage.Kind.REPLY
    ).exclude(intent="out_of_office")


def reply_counts(since: datetime) -> list[tuple[str, str, int]]:
    """(key, label, count) for human replies by intent: bounces, auto-replies, complaints and
    one-word unsubscribes are not replies (``not_replies`` counts them)."""
    by_intent = dict(
        _human_replies(since)
        .values_list("intent")
        .annotate(n=Count("id"))
        .values_list("intent", "n")
    )
    rows = [(k, INTENT_LABELS.get(k, k), n) for k, n in by_intent.items() if n]
    order = list(INTENT_LABELS)
    rows.sort(key=lambda r: order.index(r[0]) if r[0] in order else len(order))
    return rows


def not_replies(since: datetime) -> list[tuple[str, int]]:
    """(label, count) of the inbound messages that are not a person's reply."""
    recent = InboundMessage.objects.filter(created_at__gte=since)
    by_kind = dict(recent.values_list("kind").annotate(n=Count("id")).values_list("kind", "n"))
    ooo = recent.filter(kind=InboundMessage.Kind.REPLY, intent="out_of_office").count()
    by_kind[InboundMessage.Kind.AUTO_REPLY] = by_kind.get(InboundMessage.Kind.AUTO_REPLY, 0) + ooo
    return [(label, by_kind[k]) for k, label in OTHER_KINDS.items() if by_kind.get(k)]


# --- sending health -------------------------------------------------------------------------
def queue_numbers(now: datetime) -> dict[str, Any]:
    from core.health import queue_status

    emails = OutboundEmail.objects
    return {
        "queue": queue_status(),
        "emails_queued": emails.filter(status=OutboundEmail.Status.QUEUED).count(),
        "emails_due": emails.filter(
            status=OutboundEmail.Status.QUEUED, send_after__lte=now
        ).count(),
        # held for an operator: not due until approved (the approval queue)
        "emails_awaiting_approval": emails.filter(
            status=OutboundEmail.Status.AWAITING_APPROVAL
        ).count(),
        "emails_sending": emails.filter(status=OutboundEmail.Status.SENDING).count(),
        "emails_unknown": emails.filter(status=OutboundEmail.Status.UNKNOWN).count(),
        "sent_today": emails.filter(sent_at__gte=now - timedelta(hours=24)).count(),
    }


def open_dead_letters() -> list[tuple[str, str, int]]:
    """(kind, label, count) of the letters waiting for a decision."""
    labels = dict(DeadLetter.Kind.choices)
    rows = (
        DeadLetter.objects.filter(resolved_at__isnull=True)
        .values_list("kind")
        .annotate(n=Count("id"))
        .values_list("kind", "n")
    )
    return sorted(((k, str(labels.get(k, k)), n) for k, n in rows), key=lambda r: -r[2])


def ai_spend_by_day(today: date, days: int) -> list[tuple[date, Decimal]]:
    """Spend per UTC day: the detail rows, and the weekly rollups for days already rolled up."""
    first = today - timedelta(days=days - 1)
    spend: dict[date, Decimal] = defaultdict(Decimal)
    detail = (
        AIUsage.objects.filter(created_at__date__gte=first)
        .annotate(day=TruncDate("created_at"))
        .values("day")
        .annotate(total=Sum("cost_usd"))
    )
    for row in detail:
        spend[row["day"]] += row["total"] or Decimal(0)
    rolled = AIUsageDaily.objects.filter(date__gte=first).values("date").annotate(t=Sum("cost_usd"))
    for day, total in rolled.values_list("date", "t"):
        spend[day] += total or Decimal(0)
    return [(first + timedelta(days=i), spend[first + timedelta(days=i)]) for i in range(days)]


def emergency_switch() -> Switch:
    switch = Switch.objects.filter(name=Switch.EMERGENCY_STOP).first()
    return switch or Switch(name=Switch.EMERGENCY_STOP, active=False)


def recent_alerts(limit: int = 8) -> list[Alert]:
    return list(Alert.objects.order_by("-created_at", "-id")[:limit])
