"""The inbox page's placement block: the share of test messages that reached the Inbox, per
run over time, against JENGU_PLACEMENT_MIN_INBOX_RATE, and the latest run's result per seed."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import timezone

from console.dashboard.svg import Column, column_chart
from inboxes.models import Inbox, PlacementResult, PlacementRun

RUNS = 20
JUDGED = (
    PlacementResult.Outcome.INBOX,
    PlacementResult.Outcome.SPAM,
    PlacementResult.Outcome.MISSING,
)


def _columns(inbox: Inbox, threshold: float) -> list[Column]:
    counts: dict[int, dict[str, int]] = {}
    when: dict[int, Any] = {}
    rows = (
        PlacementResult.objects.filter(
            inbox=inbox, outcome__in=JUDGED, run__state=PlacementRun.State.DONE
        )
        .values_list("run_id", "run__checked_at", "outcome")
        .order_by("-run_id")
    )
    for run_id, checked_at, outcome in rows:
        if run_id not in counts and len(counts) == RUNS:
            break
        counts.setdefault(run_id, {}).setdefault(outcome, 0)
        counts[run_id][outcome] += 1
        when[run_id] = checked_at
    columns = []
    for run_id in sorted(counts):
        c = counts[run_id]
        total = sum(c.values())
        rate = 100 * c.get("inbox", 0) / total
        day = timezone.localtime(when[run_id]) if when[run_id] else None
        label = f"{day:%d %b}" if day else f"#{run_id}"
        title = (
            f"run #{run_id}, {label}: {c.get('inbox', 0)} inbox, {c.get('spam', 0)} spam, "
            f"{c.get('missing', 0)} missing of {total}"
        )
        css = "jc-bad" if rate < threshold * 100 else ""
        columns.append(Column(label, rate, css, title))
    return columns


def placement_panel(inbox: Inbox) -> dict[str, Any]:
    threshold = settings.JENGU["PLACEMENT_MIN_INBOX_RATE"]
    columns = _columns(inbox, threshold)
    latest = (
        PlacementResult.objects.filter(inbox=inbox)
        .select_related("seed", "run")
        .order_by("-run_id", "seed__key")
    )
    last_run = latest.first()
    return {
        "chart": column_chart(
            columns,
            f"{inbox.key}: share of placement-test messages in the Inbox, per run",
            line=threshold * 100,
            line_label=f"alert below {threshold:.0%}",
            fmt=lambda v: f"{v:.0f}%",
            max_value=100,
        ),
        "runs": len(columns),
        "latest": list(latest.filter(run_id=last_run.run_id)) if last_run else [],
        "latest_run": last_run.run if last_run else None,
    }
