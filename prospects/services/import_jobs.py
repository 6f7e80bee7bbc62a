"""Imports that run as tasks: ``POST /api/prospects/import`` and the admin's Import page.

The request stores the file (a FileField, in the storage backend) and an ``ImportJob`` row,
enqueues ``prospects.tasks.import_job`` once that commits, and answers at once. The task:

1. counts the file's records and moves the job from ``queued`` to ``running``;
2. imports the file in chunks of ``CHUNK`` parser items (``imports.read_batches``, the same
   rules as the command). A chunk's rows, its counts, its errors and the checkpoint commit in
   one transaction, under a lock on the job row: a crash loses the chunk whole, and the next
   delivery reads the file again, skips the items before the checkpoint (the parser gives the
   same items in the same order) and goes on, so no row is imported twice and no count is
   doubled. A second delivery running at the same time finds the checkpoint moved and stops;
3. makes the near-duplicate hints of the prospects it created, a few cities at a time, each
   batch committed with the checkpoint (the last city done);
4. ends ``done``, with a PipelineRun of kind import as the command leaves one.

A delivery works for at most ``task_seconds()`` (a quarter of ``Q_TIMEOUT``), then enqueues its
continuation, so every task ends well within the cluster's timeout however big the file.
The checkpoint (``ImportJob.checkpoint``) holds ``items`` (parser items imported),
``rows_complete``, ``ids`` ([first, last] id of the prospects created) and ``city`` (the last
city whose hints are made). The job keeps its first ``MAX_ERRORS`` row errors and counts all.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from typing import Any, BinaryIO, cast

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.utils import timezone

from core.tasking import enqueue, retry_later
from prospects.models import ImportJob, Prospect
from prospects.pipeline.runs import record_import
from prospects.services.dedup import hints_for_keys
from prospects.services.imports import (
    CHUNK,
    Batch,
    ImportSummary,
    count_records,
    import_batch,
    read_ahead,
    read_batches,
)
from prospects.sources import Row, RowError, open_import

log = logging.getLogger(__name__)
TASK = "prospects.tasks.import_job"
MAX_ERRORS = 1000  # row errors kept on the job (and shown); error_count counts them all
MAX_ATTEMPTS = 3  # deliveries that end in an unexpected error before the job fails
HINT_CITIES = 50  # cities per hints transaction
State = ImportJob.State


class Unreadable(Exception):
    """The stored file cannot be opened or read at all."""


class Superseded(Exception):
    """Another delivery of this job moved its checkpoint: this one stops."""


def task_seconds() -> float:
    return float(settings.Q_CLUSTER.get("timeout", 240)) / 4


def import_job_create(*, upload: File, owner: Any, source: str, via: str) -> ImportJob:
    """Store the upload and queue its import (``via``: "api", "admin" ...); the task starts
    once this commits."""
    name = str(upload.name or "upload").rsplit("/", 1)[-1]
    trigger = f"{via}:{owner}" if owner is not None else via
    job = ImportJob(name=name[:255], source=source[:64], trigger=trigger[:64])
    job.owner = owner if getattr(owner, "is_authenticated", False) else None
    job.file.save(name, upload, save=False)  # the storage I/O, before the transaction
    with transaction.atomic():
        job.save()
        enqueue(TASK, job.pk)
    return job


def import_job_run(
    job_id: int, *, attempt: int = 1, budget: float | None = None, chunk_size: int | None = None
) -> str:
    """One delivery of the task: work until done or the budget (seconds) is spent."""
    deadline = time.monotonic() + (task_seconds() if budget is None else budget)
    chunk_size = chunk_size or CHUNK
    job = ImportJob.objects.filter(pk=job_id).first()
    if job is None or job.state in (State.DONE, State.FAILED):
        return f"import {job_id}: nothing to do"
    try:
        finished = _work(job, deadline, chunk_size)
    except Superseded:
        return f"import {job_id}: another delivery is on it"
    except Unreadable as exc:
        _fail(job_id, str(exc))
        return f"import {job_id}: failed ({exc})"
    except Exception as exc:
        log.exception("import job failed", extra={"job": job_id, "attempt": attempt})
        if attempt < MAX_ATTEMPTS:
            retry_later(TASK, job_id, attempt + 1, delay_seconds=60 * attempt)
            return f"import {job_id}: attempt {attempt} failed, retrying ({exc})"
        _fail(job_id, f"import stopped: {type(exc).__name__}: {exc}"[:500])
        return f"import {job_id}: failed"
    if not finished:
        enqueue(TASK, job_id)
        return f"import {job_id}: continuing"
    return f"import {job_id}: done"


def _work(job: ImportJob, deadline: float, chunk_size: int) -> bool:
    if job.state == State.QUEUED:
        _start(job)
    job.refresh_from_db()
    if not job.checkpoint["rows_complete"] and not _import_rows(job, deadline, chunk_size):
        return False
    return _make_hints(job.pk, deadline)


@contextmanager
def _opened(job: ImportJob) -> Iterator[tuple[str, Iterator[Row | RowError]]]:
    try:
        handle = job.file.storage.open(str(job.file.name or ""), "rb")
    except Exception as exc:  # missing file, storage down: nothing of it can be read
        raise Unreadable(f"the file cannot be read: {type(exc).__name__}: {exc}") from exc
    with handle:
        try:
            fmt, items = open_import(cast(BinaryIO, handle), job.name)
        except OSError as exc:
            raise Unreadable(f"the file cannot be read: {exc}") from exc
        yield fmt, items


def _start(job: ImportJob) -> None:
    with _opened(job) as (fmt, items):
        total = count_records(items)
    now = timezone.now()
    ImportJob.objects.filter(pk=job.pk, state=State.QUEUED).update(
        state=State.RUNNING, format=fmt, rows_total=total, started_at=now, updated_at=now
    )


def _import_rows(job: ImportJob, deadline: float, chunk_size: int) -> bool:
    mark = job.checkpoint
    source = job.source
    with _opened(job) as (fmt, items):
        batches = read_batches(
            items, fmt=fmt, source=source or fmt, size=chunk_size, skip=mark["items"]
        )
        with closing(read_ahead(batches)) as ahead:
            for batch in ahead:
                mark = _commit_rows(job.pk, mark, batch)
                if time.monotonic() > deadline:
                    return False
    _advance(job.pk, mark, {**mark, "rows_complete": True})
    return True


@contextmanager
def _locked(job_id: int, mark: dict[str, Any]) -> Iterator[ImportJob]:
    """The job, locked, in a transaction; Superseded when its checkpoint is not ``mark``."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job_id)
        if job.state != State.RUNNING or job.checkpoint != mark:
            raise Superseded
        yield job
        job.save()


def _commit_rows(job_id: int, mark: dict[str, Any], batch: Batch) -> dict[str, Any]:
    with _locked(job_id, mark) as job:
        summary = import_batch(batch)
        job.created += summary.created
        job.updated += summary.updated
        job.duplicates += summary.duplicates
        job.rows_done += batch.records
        _note_errors(job, summary.errors)
        ids = [pk for pk, _name, _city in summary.created_keys] + (mark["ids"] or [])
        job.checkpoint = {
            **mark,
            "items": mark["items"] + batch.items,
            "ids": [min(ids), max(ids)] if ids else None,
        }
    return job.checkpoint


def _note_errors(job: ImportJob, errors: list[RowError]) -> None:
    room = max(0, MAX_ERRORS - len(job.errors))
    kept = sorted(errors, key=lambda e: e.line)[:room]
    job.errors += [{"line": e.line, "detail": e.detail} for e in kept]
    job.error_count += len(errors)


def _advance(job_id: int, mark: dict[str, Any], new: dict[str, Any]) -> None:
    with _locked(job_id, mark) as job:
        job.checkpoint = new


def _make_hints(job_id: int, deadline: float) -> bool:
    job = ImportJob.objects.get(pk=job_id)
    mark = job.checkpoint
    if mark["ids"]:
        first, last = mark["ids"]
        created = Prospect.objects.filter(pk__range=(first, last), archived=False)
        created = created.exclude(city_key="").order_by()
        while cities := _next_cities(created, mark["city"]):
            keys = list(
                created.filter(city_key__in=cities).values_list("pk", "name_key", "city_key")
            )
            with _locked(job_id, mark) as job:
                job.hints += hints_for_keys(keys)
                job.checkpoint = mark = {**mark, "city": cities[-1]}
            if time.monotonic() > deadline:
                return False
    _finish(job_id, mark)
    return True


def _next_cities(created: Any, after: str) -> list[str]:
    rows = (
        created.filter(city_key__gt=after).order_by("city_key").values_list("city_key", flat=True)
    )
    return list(rows.distinct()[:HINT_CITIES])


def _finish(job_id: int, mark: dict[str, Any]) -> None:
    with _locked(job_id, mark) as job:
        summary = ImportSummary(
            created=job.created,
            updated=job.updated,
            duplicates=job.duplicates,
            errors=[RowError(e["line"], e["detail"]) for e in job.errors],
            format=job.format,
            rows=job.rows_total,
            hints=job.hints,
        )
        job.run = record_import(summary, trigger=job.trigger or "import job", name=job.name)
        job.state, job.rows_done = State.DONE, job.rows_total
        job.finished_at = timezone.now()


def _fail(job_id: int, detail: str) -> None:
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.state not in (State.QUEUED, State.RUNNING):
            return
        job.state, job.finished_at = State.FAILED, timezone.now()
        _note_errors(job, [RowError(0, detail)])
        job.save()
