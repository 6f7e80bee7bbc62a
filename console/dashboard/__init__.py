"""The admin dashboard: what is happening, as pictures (SVG drawn on the server) and numbers.

``dashboard_context`` gathers it for templates/admin/index.html; ``inbox_panel`` feeds the
inbox page; ``console.dashboard.timeline`` the prospect page.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone

from aiengine.services.usage import rate_limit_status
from console.dashboard import queries
from console.dashboard.preflight import preflight_badge
from console.dashboard.rates import BOUNCES, COMPLAINTS, caption, rate_chart
from console.dashboard.svg import (
    Bar,
    Column,
    DayPoint,
    column_chart,
    hbar_chart,
    meter,
    warmup_chart,
)
from console.dashboard.tasks import task_pages
from console.snapshot import snapshot
from inboxes.models import Inbox
from prospects.models import Prospect

HISTORY_DAYS = 14
RAMP_DAYS = 35  # the ramp forecast: the next 5 weeks
REPLY_WINDOW = timedelta(days=30)


def _usd(value: float) -> str:
    return f"${value:,.2f}"


def inbox_chart(inbox: Inbox, now: datetime) -> dict[str, Any]:
    days = queries.warmup_days(inbox, now, HISTORY_DAYS, RAMP_DAYS)
    summary = queries.warmup_summary(inbox, now)
    points = [DayPoint(d["day"], d["sent"], d["limit"], d["off"]) for d in days]
    label = f"{inbox.key}: sends per day against the warmup limit, and the next 5 weeks"
    return {**summary, "chart": warmup_chart(points, label, summary["today"])}


def bounce_chart(inboxes: list[Inbox]) -> Any:
    title = "Bounce rate per inbox over the last 7 days, against the pause threshold"
    return rate_chart(BOUNCES, inboxes, title)


def complaint_chart(inboxes: list[Inbox]) -> Any:
    title = "Complaint rate per inbox over the last 7 days, against the pause threshold"
    return rate_chart(COMPLAINTS, inboxes, title)


def funnel_chart() -> Any:
    counts = snapshot("funnel")  # every prospect counted: console.snapshot
    lost = Prospect.Stage.LOST
    rows = [Bar(stage, n, "jc-muted" if stage == lost else "") for stage, n in counts.items()]
    return hbar_chart(rows, "Prospects by stage"), sum(counts.values())


def replies_chart(now: datetime) -> Any:
    good = {"meeting_request": "jc-good", "interested": "jc-good", "needs_info": "jc-good"}
    rows = [
        Bar(label, n, good.get(key, ""))
        for key, label, n in queries.reply_counts(now - REPLY_WINDOW)
    ]
    return hbar_chart(rows, "Replies in the last 30 days, by intent")


def not_replies_note(now: datetime) -> str:
    """What arrived that is not a reply (shown under the chart, never counted in it)."""
    counts = queries.not_replies(now - REPLY_WINDOW)
    return ", ".join(f"{n} {label.lower()}" for label, n in counts)


def dead_letter_chart() -> tuple[Any, int]:
    rows = queries.open_dead_letters()
    bars = [Bar(label, n, "jc-bad") for _, label, n in rows]
    return hbar_chart(bars, "Dead letters waiting for a decision, by kind"), sum(r[2] for r in rows)


def ai_panel(now: datetime) -> dict[str, Any]:
    budget = rate_limit_status(now=now)["budget"]
    spent, limit = budget["spent_usd"], budget["limit_usd"]
    history = queries.ai_spend_by_day(now.date(), HISTORY_DAYS)
    columns = [
        Column(f"{day:%d %b}", float(cost), "", f"{day:%a %d %b}: {_usd(float(cost))}")
        for day, cost in history
    ]
    return {
        "spent": spent,
        "limit": limit,
        "meter": meter(
            spent,
            limit,
            "AI spend today against the daily budget",
            f"{_usd(spent)} of {_usd(limit)} today",
        ),
        "history": column_chart(
            columns,
            "AI spend per day (UTC), last 14 days",
            line=limit,
            line_label=f"budget {_usd(limit)}",
            fmt=_usd,
        ),
    }


def forecast_summary() -> dict[str, Any]:
    plan = snapshot("forecast")  # every ready prospect planned: console.snapshot
    columns = [
        Column(
            day["date"][5:],
            day["planned"],
            "",
            f"{day['date']} ({day['weekday']}): {day['planned']} of {day['capacity']} slots"
            + (f"; closed: {day['closed']}" if day.get("closed") else ""),
        )
        for day in plan["days"]
    ]
    chart = column_chart(
        columns[:RAMP_DAYS], "First emails planned per day for the ready prospects"
    )
    return {**plan, "chart": chart}


def dashboard_context(now: datetime | None = None) -> dict[str, Any]:
    now = now or timezone.now()
    inboxes = queries.shown_inboxes()
    funnel, prospects = funnel_chart()
    dead_letters, open_letters = dead_letter_chart()
    queue = queries.queue_numbers(now)
    return {
        "now": now,
        "demo": settings.JENGU["DEMO"],
        "emergency": queries.emergency_switch(),
        "inboxes": [inbox_chart(i, now) for i in inboxes[: queries.MAX_INBOX_CHARTS]],
        "more_inboxes": max(0, len(inboxes) - queries.MAX_INBOX_CHARTS),
        "bounce_chart": bounce_chart(inboxes),
        "bounce_caption": caption(BOUNCES),
        "complaint_chart": complaint_chart(inboxes),
        "complaint_caption": caption(COMPLAINTS),
        "funnel_chart": funnel,
        "prospects": prospects,
        "replies_chart": replies_chart(now),
        "not_replies": not_replies_note(now),
        "dead_letter_chart": dead_letters,
        "open_letters": open_letters,
        "queue": queue,
        "tasks": task_pages(queue["queue"], now),
        "ai": ai_panel(now),
        "forecast": forecast_summary(),
        "alerts": queries.recent_alerts(),
        "preflight": preflight_badge(),
    }


def inbox_panel(inbox: Inbox, now: datetime | None = None) -> dict[str, Any]:
    """The inbox page's health block: warmup chart, today's reservations, recent errors."""
    from console.dashboard.inbox import inbox_health

    now = now or timezone.now()
    return {**inbox_health(inbox, now), "warmup": inbox_chart(inbox, now)}
