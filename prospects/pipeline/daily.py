"""The daily pipeline (``prospects.tasks.daily_pipeline``, cron ``0 7 * * *`` UTC).

1. Sourcing, in the task: files waiting in storage, then Places queries (``sourcing``).
2. Enrichment: one ``enrich_prospect`` task per prospect in ``new`` (or left in
   ``enriching``), at most PIPELINE_ENRICH_LIMIT a day, oldest first. Each enrichment, when
   done, fans out one ``find_contact_email`` task per contact of its prospect not yet checked.
3. Email finding and verification: one ``find_contact_email`` task per contact never checked
   on prospects already enriched (or further along, e.g. imported from the old system).
4. Scoring: each finder task rescores its prospect (which moves it to ``ready`` when it has a
   sendable address); prospects with nothing to check are rescored by the pipeline itself.
5. Once every task of the run is back: the steps other apps registered with
   ``prospects.hooks.after_daily_run``. outreach registers the enrolment
   (``outreach.services.enrolment.enroll_ready``): each ``ready`` prospect in no running
   sequence is enrolled, with its best sendable contact, in the active default campaign.

The run's ``counts.pending`` is the number of tasks still out; the task that brings it to
zero does step 5 and marks the run done (failed when a step raised). A run whose tasks were
lost (a killed worker) is marked failed by the next day's run, and its ready prospects are
enrolled then.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db.models import Q
from django.utils import timezone

from core.tasking import enqueue
from prospects.conf import knob
from prospects.hooks import daily_run_steps
from prospects.models import Contact, PipelineRun, Prospect
from prospects.pipeline.runs import (
    run_count,
    run_error,
    run_finish,
    run_hold,
    run_release,
    run_start,
)
from prospects.pipeline.sourcing import run_sourcing
from prospects.services.score import prospect_score

log = logging.getLogger(__name__)
ENRICH_TASK = "prospects.tasks.enrich_prospect"
FINDER_TASK = "prospects.tasks.find_contact_email"
STALE_AFTER = timedelta(hours=20)
RESCORE_LIMIT = 5000
Stage = Prospect.Stage
CHECK_STAGES = (Stage.ENRICHED, Stage.READY, Stage.CONTACTED, Stage.ENGAGED, Stage.MEETING)


def prospects_to_enrich(limit: int) -> list[int]:
    rows = Prospect.objects.active().filter(stage__in=[Stage.NEW, Stage.ENRICHING])
    return list(rows.order_by("created_at", "id").values_list("pk", flat=True)[:limit])


def contacts_to_check(prospect_id: int | None = None) -> list[int]:
    """Contacts never checked that have an address, or a name and a domain to search."""
    rows = Contact.objects.filter(verified_at__isnull=True, prospect__archived=False)
    rows = rows.filter(~Q(email="") | (~Q(name="") & ~Q(prospect__domain="")))
    if prospect_id is not None:
        rows = rows.filter(prospect_id=prospect_id)
    else:
        rows = rows.filter(prospect__stage__in=CHECK_STAGES)
    return list(rows.order_by("pk").values_list("pk", flat=True))


def rescore_settled(skip: set[int]) -> int:
    """Rescore prospects with nothing left to check (policy or suppressions may have changed)."""
    rows = Prospect.objects.active().filter(stage__in=[Stage.ENRICHED, Stage.READY])
    count = 0
    for prospect in rows.exclude(pk__in=skip).order_by("-pk")[:RESCORE_LIMIT]:
        prospect_score(prospect=prospect)
        count += 1
    return count


def finish(run_id: int) -> None:
    """The last task of a run is back: the registered steps (daily runs), then "done"."""
    run = PipelineRun.objects.get(pk=run_id)
    if run.kind == PipelineRun.Kind.DAILY:
        for name, step in daily_run_steps():
            try:
                run_count(run_id, name, **step(timezone.now()))
            except Exception as exc:
                log.exception("%s failed", name, extra={"run": run_id})
                run_error(run_id, name, f"{type(exc).__name__}: {exc}")
                run_finish(run_id, status=PipelineRun.Status.FAILED)
                return
    run_finish(run_id)


def task_back(
    run_id: int | None,
    *,
    counts: dict[str, dict[str, int]] | None = None,
    error: tuple[str, str] | None = None,
) -> None:
    if run_id is not None and run_release(run_id, counts=counts, error=error) is not None:
        finish(run_id)


def close_stale_runs(now: datetime, *, keep: int) -> int:
    stale = PipelineRun.objects.filter(
        status=PipelineRun.Status.RUNNING, started_at__lt=now - STALE_AFTER
    ).exclude(pk=keep)
    stale_ids = list(stale.values_list("pk", flat=True))
    for run_id in stale_ids:
        run_error(run_id, "pipeline", "tasks of this run never came back; closed by a later run")
        run_finish(run_id, status=PipelineRun.Status.FAILED)
    return len(stale_ids)


def _dispatch(run: PipelineRun) -> None:
    enrich_ids = prospects_to_enrich(knob("PIPELINE_ENRICH_LIMIT"))
    contact_ids = contacts_to_check()
    skip = set(enrich_ids) | set(
        Contact.objects.filter(pk__in=contact_ids).values_list("prospect_id", flat=True)
    )
    run_count(run.pk, "scoring", rescored=rescore_settled(skip))
    run_hold(run.pk, len(enrich_ids) + len(contact_ids))
    run_count(run.pk, "enrichment", queued=len(enrich_ids))
    run_count(run.pk, "finder", queued=len(contact_ids))
    for prospect_id in enrich_ids:
        enqueue(ENRICH_TASK, prospect_id, run.pk)
    for contact_id in contact_ids:
        enqueue(FINDER_TASK, contact_id, run.pk)


def daily_pipeline(*, trigger: str = "schedule") -> PipelineRun:
    run = run_start(PipelineRun.Kind.DAILY, trigger=trigger)
    run_hold(run.pk, 1)  # the dispatcher's own token: no task can finish the run before it ends
    close_stale_runs(timezone.now(), keep=run.pk)
    try:
        run_sourcing(run)
    except Exception as exc:  # sourcing trouble must not stop the rest of the day's work
        log.exception("sourcing failed", extra={"run": run.pk})
        run_error(run.pk, "sourcing", f"{type(exc).__name__}: {exc}")
    try:
        _dispatch(run)
    finally:
        task_back(run.pk)
    run.refresh_from_db()
    return run


def scrape_now(*, trigger: str) -> PipelineRun:
    """``POST /api/admin/trigger-scrape``: the sourcing part, now, in the caller."""
    run = run_start(PipelineRun.Kind.SCRAPE, trigger=trigger)
    try:
        run_sourcing(run)
    except Exception as exc:
        log.exception("sourcing failed", extra={"run": run.pk})
        run_error(run.pk, "sourcing", f"{type(exc).__name__}: {exc}")
        run_finish(run.pk, status=PipelineRun.Status.FAILED)
    else:
        run_finish(run.pk)
    run.refresh_from_db()
    return run
