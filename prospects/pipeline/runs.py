"""PipelineRun bookkeeping: counts per stage, errors, and the count of tasks still out.

A run fans out one task per prospect (enrichment) and per contact (email finding). Each task
adds to the run's counts when it ends; ``pending`` is how many tasks are still out, and the
task that brings it to zero finishes the run (enrolment, then "done"). The run row is locked
with ``select_for_update`` for each change, so concurrent tasks never lose a count.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone

from prospects.models import PipelineRun

MAX_ERRORS = 500
Change = Callable[[PipelineRun], None]


def run_start(kind: str, *, trigger: str = "schedule") -> PipelineRun:
    return PipelineRun.objects.create(kind=kind, trigger=trigger[:64], counts={"pending": 0})


def _update(run_id: int | None, change: Change) -> PipelineRun | None:
    if run_id is None:
        return None
    with transaction.atomic():
        run = PipelineRun.objects.select_for_update().filter(pk=run_id).first()
        if run is None:
            return None
        change(run)
        run.save(update_fields=["counts", "errors", "status", "finished_at"])
    return run


def _bump(run: PipelineRun, stage: str, deltas: dict[str, int]) -> None:
    counts = run.counts.setdefault(stage, {})
    for key, delta in deltas.items():
        counts[key] = counts.get(key, 0) + delta


def _note(run: PipelineRun, stage: str, detail: str, context: dict[str, Any]) -> None:
    if len(run.errors) >= MAX_ERRORS:
        run.counts["errors_not_kept"] = run.counts.get("errors_not_kept", 0) + 1
        return
    entry = {"stage": stage, "detail": str(detail)[:500], **context}
    run.errors.append({**entry, "at": timezone.now().isoformat(timespec="seconds")})


def run_count(run_id: int | None, stage: str, **deltas: int) -> None:
    _update(run_id, lambda run: _bump(run, stage, deltas))


def run_error(run_id: int | None, stage: str, detail: str, **context: Any) -> None:
    _update(run_id, lambda run: _note(run, stage, detail, context))


def run_hold(run_id: int | None, tasks: int) -> None:
    """Count ``tasks`` more tasks as out (call before enqueueing them)."""

    def change(run: PipelineRun) -> None:
        run.counts["pending"] = run.counts.get("pending", 0) + tasks

    _update(run_id, change)


def run_release(
    run_id: int | None,
    *,
    counts: dict[str, dict[str, int]] | None = None,
    error: tuple[str, str] | None = None,
) -> PipelineRun | None:
    """One task is back, with its counts per stage and its error (stage, detail), if any.
    Returns the run when that was the last task out of a running run: the caller finishes it.
    """
    last = False

    def change(run: PipelineRun) -> None:
        nonlocal last
        for stage, deltas in (counts or {}).items():
            _bump(run, stage, deltas)
        if error:
            _note(run, error[0], error[1], {})
        run.counts["pending"] = max(0, run.counts.get("pending", 0) - 1)
        last = run.counts["pending"] == 0 and run.status == PipelineRun.Status.RUNNING

    run = _update(run_id, change)
    return run if last else None


def run_finish(run_id: int | None, *, status: str = PipelineRun.Status.DONE) -> None:
    def change(run: PipelineRun) -> None:
        run.status = status
        run.finished_at = timezone.now()

    _update(run_id, change)


def run_merge_import(run_id: int | None, stage: str, summary: Any, *, name: str) -> None:
    """Add an ImportSummary's counts and (some of) its row errors to the run."""
    body = summary.as_dict()

    def change(run: PipelineRun) -> None:
        _bump(run, stage, {k: body[k] for k in ("created", "updated", "duplicates", "hints")})
        _bump(run, stage, {"rows": body["rows"], "row_errors": len(body["errors"])})
        for error in body["errors"][:50]:
            _note(run, stage, error["detail"], {"file": name, "line": error["line"]})

    _update(run_id, change)


def record_import(summary: Any, *, trigger: str, name: str) -> PipelineRun:
    """A finished IMPORT run for one file (command or API), shown in the admin."""
    run = run_start(PipelineRun.Kind.IMPORT, trigger=trigger)
    run_merge_import(run.pk, "import", summary, name=name)
    run_finish(run.pk)
    return run
