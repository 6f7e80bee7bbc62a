"""Small helpers around django-q2: enqueue after commit, retry later, give up to a dead letter."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django_q.models import Schedule
from django_q.tasks import async_task


def enqueue(func: str, *args: Any, **kwargs: Any) -> None:
    """Enqueue once the current transaction commits (never a task for a row that rolled back)."""
    transaction.on_commit(lambda: async_task(func, *args, **kwargs))


def retry_later(func: str, *args: Any, delay_seconds: float) -> None:
    """Run ``func`` once, ``delay_seconds`` from now (django-q2 has no countdown on async_task)."""
    Schedule.objects.create(
        func=func,
        args=repr(tuple(args)) if args else None,
        schedule_type=Schedule.ONCE,
        repeats=-1,
        next_run=timezone.now() + timedelta(seconds=delay_seconds),
        name=None,
    )
