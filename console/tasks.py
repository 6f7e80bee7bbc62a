"""django-q2 entry points of the console (scheduled by ``setup_schedules``)."""

from __future__ import annotations

from console.maintenance import run_weekly
from console.snapshot import refresh_snapshots as _refresh_snapshots


def weekly_maintenance() -> str:
    return run_weekly()


def refresh_snapshots() -> str:
    return _refresh_snapshots()
