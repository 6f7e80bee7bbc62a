"""The task queue on the dashboard: django-q2's own admin pages (failed, queued, scheduled and
successful tasks), each linked with its count, rather than a copy of them."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db.models import Min, Model
from django.urls import NoReverseMatch, reverse
from django_q.models import Failure, OrmQ, Schedule, Success

DAY = timedelta(hours=24)


def changelist(model: type[Model]) -> str | None:
    """The model's admin list; None when django-q2 registered no page for it (its queued-task
    page exists only with the ORM broker: with Redis the queue lives in Redis)."""
    try:
        return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    except NoReverseMatch:
        return None


def _next_run(now: datetime) -> str:
    first = Schedule.objects.aggregate(first=Min("next_run"))["first"]
    if first is None:
        return "none planned: run manage.py setup_schedules"
    return "next one due now" if first <= now else f"next at {first:%a %H:%M} UTC"


def task_pages(queue: dict[str, Any], now: datetime) -> list[dict[str, Any]]:
    """One row per django-q2 page: label, url, count (None when the broker did not answer)."""
    since = now - DAY
    failed = queue.get("failures_24h")
    return [
        {
            "label": "Failed tasks",
            "url": changelist(Failure),
            "count": failed,
            "note": "in the last 24 h; resubmit from the list",
            "bad": bool(failed),
        },
        {
            "label": "Queued tasks",
            "url": changelist(OrmQ),
            "count": queue.get("depth"),
            "note": "waiting for a worker",
        },
        {
            "label": "Scheduled tasks",
            "url": changelist(Schedule),
            "count": Schedule.objects.count(),
            "note": _next_run(now),
        },
        {
            "label": "Successful tasks",
            "url": changelist(Success),
            "count": Success.objects.filter(stopped__gte=since).count(),
            "note": "in the last 24 h",
        },
    ]
