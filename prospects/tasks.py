"""django-q2 entry points for the prospects pipeline.

``enrich_prospect`` and ``find_contact_email`` take ``(object id, run id, attempt)``. A vendor
limit or a busy host is not a failure: the task comes back when it lifts (within 15 minutes),
or is left for the next daily run. Any other error is retried twice, 2 and 4 minutes later;
then it becomes a dead letter (kind ``enrichment`` / ``finder``) whose replay runs the task
again with ``{"args": [id]}``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from core.models import DeadLetter
from core.ratelimit import RateLimited
from core.services import deadletter_create
from core.tasking import enqueue, retry_later
from prospects.conf import knob
from prospects.models import Contact, Prospect
from prospects.pipeline import daily
from prospects.pipeline.runs import run_hold
from prospects.services.crawl import HostBusy
from prospects.services.enrich import prospect_enrich
from prospects.services.import_jobs import import_job_run
from prospects.services.score import prospect_score
from prospects.services.verify import contact_verify

log = logging.getLogger(__name__)
RETRY_SOON = 15 * 60  # seconds: a wait longer than this leaves the work to the next run
Counts = dict[str, dict[str, int]]
Work = Callable[[int, int | None], tuple[str, Counts]]


def daily_pipeline() -> str:
    run = daily.daily_pipeline()
    return f"run {run.pk}: {run.counts}"


def _score_counts(prospect: Prospect) -> dict[str, int]:
    result = prospect_score(prospect=prospect)
    ready = result.stage_changed and prospect.stage == Prospect.Stage.READY
    return {"scored": 1, "ready": int(ready)}


def _enrich(prospect_id: int, run_id: int | None) -> tuple[str, Counts]:
    prospect = Prospect.objects.filter(pk=prospect_id, archived=False).first()
    if prospect is None:
        return f"prospect {prospect_id} is gone or archived", {"enrichment": {"skipped": 1}}
    result = prospect_enrich(prospect=prospect)
    contact_ids = daily.contacts_to_check(prospect.pk)
    run_hold(run_id, len(contact_ids))
    for contact_id in contact_ids:
        enqueue(daily.FINDER_TASK, contact_id, run_id)
    counts = {
        "enrichment": {
            "done": 1,
            result.status: 1,
            "contacts_created": len(result.contacts_created),
        },
        "finder": {"queued": len(contact_ids)},
        "scoring": _score_counts(prospect),
    }
    return f"prospect {prospect_id}: {result.status}", counts


def _find(contact_id: int, run_id: int | None) -> tuple[str, Counts]:
    contact = Contact.objects.select_related("prospect").filter(pk=contact_id).first()
    if contact is None or contact.prospect.archived:
        return f"contact {contact_id} is gone or archived", {"finder": {"skipped": 1}}
    had_email = bool(contact.email)
    verdict = contact_verify(contact=contact)
    found = int(not had_email and bool(contact.email))
    counts = {
        "finder": {"checked": 1, verdict.status: 1, "found": found},
        "scoring": _score_counts(contact.prospect),
    }
    return f"contact {contact_id}: {verdict.status}", counts


def _seconds_until(moment: datetime) -> float:
    return max(5.0, (moment - timezone.now()).total_seconds())


@dataclass(frozen=True)
class Spec:
    task: str
    kind: str  # the dead letter's kind
    stage: str  # the run's count bucket
    model: type[Prospect] | type[Contact]
    work: Work


ENRICH = Spec(daily.ENRICH_TASK, DeadLetter.Kind.ENRICHMENT, "enrichment", Prospect, _enrich)
FIND = Spec(daily.FINDER_TASK, DeadLetter.Kind.FINDER, "finder", Contact, _find)


def _give_up(spec: Spec, object_id: int, run_id: int | None, attempt: int, exc: Exception) -> str:
    error = f"{type(exc).__name__}: {exc}"
    deadletter_create(
        kind=spec.kind,
        error=error,
        task_name=spec.task,
        payload={"args": [object_id]},
        attempts=attempt,
        obj=spec.model.objects.filter(pk=object_id).first(),
    )
    daily.task_back(
        run_id, counts={spec.stage: {"failed": 1}}, error=(spec.stage, f"#{object_id}: {error}")
    )
    return f"#{object_id}: failed for good ({error})"


def _guarded(spec: Spec, object_id: int, run_id: int | None, attempt: int) -> str:
    try:
        message, counts = spec.work(object_id, run_id)
    except (RateLimited, HostBusy) as exc:
        delay = _seconds_until(exc.retry_at)
        if delay <= RETRY_SOON:
            retry_later(spec.task, object_id, run_id, attempt, delay_seconds=delay)
            return f"#{object_id}: waiting {delay:.0f} s ({exc})"
        daily.task_back(run_id, counts={spec.stage: {"deferred": 1}}, error=(spec.stage, str(exc)))
        return f"#{object_id}: left for the next run ({exc})"
    except Exception as exc:
        log.exception("%s failed", spec.task, extra={"object": object_id, "attempt": attempt})
        if attempt >= knob("TASK_MAX_ATTEMPTS"):
            return _give_up(spec, object_id, run_id, attempt, exc)
        retry_later(spec.task, object_id, run_id, attempt + 1, delay_seconds=60 * 2**attempt)
        return f"#{object_id}: attempt {attempt} failed, retrying ({exc})"
    daily.task_back(run_id, counts=counts)
    return message


def enrich_prospect(prospect_id: int, run_id: int | None = None, attempt: int = 1) -> str:
    return _guarded(ENRICH, prospect_id, run_id, attempt)


def find_contact_email(contact_id: int, run_id: int | None = None, attempt: int = 1) -> str:
    return _guarded(FIND, contact_id, run_id, attempt)


def import_job(job_id: int, attempt: int = 1) -> str:
    """An uploaded file's import, a budget of work per delivery (services.import_jobs)."""
    return import_job_run(job_id, attempt=attempt)
