"""django-q2 entry points of the console (scheduled by ``setup_schedules``)."""

from __future__ import annotations

from console.maintenance import run_weekly


def weekly_maintenance() -> str:
    return run_weekly()
