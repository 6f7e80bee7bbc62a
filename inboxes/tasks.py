"""django-q2 entry points for inbox-placement tests: load ids, call services, summarize."""

from __future__ import annotations

from core.tasking import retry_later
from inboxes.models import PlacementRun
from inboxes.services.placement import placement_send as _send
from inboxes.services.placement_check import placement_check as _check


def placement_send(run_id: int) -> str:
    """Send, then schedule the check for when the run's wait is over."""
    run = _send(run_id=run_id)
    if run.state == PlacementRun.State.WAITING:
        retry_later("inboxes.tasks.placement_check", run.pk, delay_seconds=run.wait_minutes * 60)
    return f"run {run.pk}: {run.state}, {run.results.count()} message(s)"


def placement_check(run_id: int) -> str:
    run = _check(run_id=run_id)
    counts = {o: run.results.filter(outcome=o).count() for o in ("inbox", "spam", "missing")}
    return f"run {run.pk}: {run.state}, " + ", ".join(f"{n} {o}" for o, n in counts.items())
