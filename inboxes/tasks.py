"""django-q2 entry points of the inboxes app: load ids, call services, summarize."""

from __future__ import annotations

from core.tasking import retry_later
from inboxes import services
from inboxes.models import Inbox, PlacementRun
from inboxes.services.placement import placement_send as _send
from inboxes.services.placement_check import placement_check as _check


def dns_preflight() -> str:
    """The daily DNS preflight of every inbox that may send (JENGU_DNS_PREFLIGHT=off: none)."""
    rows = services.preflight_run_many(inboxes=Inbox.objects.exclude(status=Inbox.Status.DISABLED))
    failing = [row.inbox.key for row in rows if row.blocking]
    return f"{len(rows)} inbox(es) checked; SPF/DMARC failing: {', '.join(failing) or 'none'}"


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
