"""Import files of prospects fast, with the same per-row dedup as ``prospect_create``.

Rows are read lazily, mapped by a thread of their own (``read_ahead``), and handled in batches
of ``CHUNK`` parser items (``read_batches``). For a batch: one query per key kind finds the
prospects that already exist (by contact email, website domain, normalized name + city), then
the rows are decided one by one, in file order, against those and against the rows before them
in the file (``prospects.import_plan``); then new prospects, their "created" events and
contacts are inserted in bulk (COPY on PostgreSQL, ``prospects.bulk``) and filled-in prospects
saved with ``bulk_update``, all in one transaction. A row is ``created``, ``updated`` (it filled
a blank field or added a contact to an existing prospect) or a ``duplicate`` (it changed
nothing), so importing a file twice changes nothing the second time.

When the batch's transaction hits a unique constraint (another import or API call inserted the
same prospect meanwhile) or a value the database refuses, the batch is replayed row by row, so
only the offending row is reported. ``import_items`` / ``import_file`` (the command, sourcing,
the legacy migration) compute near-duplicate hints once, at the end, for every prospect
created; an import job (``import_jobs``: the API, the admin) runs the same batches from a task,
each committed with its checkpoint.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Generator, Iterable, Iterator
from dataclasses import dataclass, field
from queue import Full, Queue
from typing import Any, BinaryIO

from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone

from compliance.services import erased_among
from prospects.import_plan import Chunk, Entry
from prospects.rows import row_input
from prospects.services.dedup import hints_for_keys
from prospects.sources import Row, RowError, open_import

CHUNK = 1000
READ_AHEAD = 3  # chunks parsed ahead of the database work
Progress = Callable[[int], None]  # called with the last physical line handled


@dataclass
class ImportSummary:
    created: int = 0
    updated: int = 0
    duplicates: int = 0
    errors: list[RowError] = field(default_factory=list)
    format: str = ""
    rows: int = 0
    created_keys: list[tuple[int, str, str]] = field(default_factory=list)  # id, name, city
    hints: int = 0

    @property
    def created_ids(self) -> list[int]:
        return [pk for pk, _name, _city in self.created_keys]

    def as_dict(self) -> dict[str, Any]:
        """The contract's shape (``POST /api/prospects/import``), plus format, rows, hints."""
        errors = sorted(self.errors, key=lambda e: e.line)
        return {
            "created": self.created,
            "updated": self.updated,
            "duplicates": self.duplicates,
            "errors": [{"line": e.line, "detail": e.detail} for e in errors],
            "format": self.format,
            "rows": self.rows,
            "hints": self.hints,
        }

    def add(self, other: ImportSummary) -> None:
        self.created += other.created
        self.updated += other.updated
        self.duplicates += other.duplicates
        self.errors += other.errors
        self.rows += other.rows
        self.created_keys += other.created_keys


def _run_chunk(entries: list[Entry]) -> ImportSummary:
    summary = ImportSummary()
    with transaction.atomic():
        chunk = Chunk(entries, timezone.now())
        chunk.load()
        chunk.plan()
        chunk.write()
        summary.created_keys = chunk.created_keys()
    for outcome in chunk.outcomes:
        if outcome == "created":
            summary.created += 1
        elif outcome == "updated":
            summary.updated += 1
        else:
            summary.duplicates += 1
    return summary


def import_entries(entries: list[Entry]) -> ImportSummary:
    """Write one chunk; on a conflict, row by row so only the bad row fails."""
    try:
        return _run_chunk(entries)
    except DatabaseError:
        pass  # replay row by row below
    summary = ImportSummary()
    for entry in entries:
        for attempt in (1, 2):
            try:
                summary.add(_run_chunk([entry]))
                break
            except IntegrityError:
                if attempt == 2:
                    detail = "conflicts with a prospect saved at the same time; import it again"
                    summary.errors.append(RowError(entry.line, detail))
            except DatabaseError as exc:
                summary.errors.append(RowError(entry.line, f"not saved: {exc}"[:300]))
                break
    return summary


@dataclass
class Batch:
    """Rows read from a file and mapped, ready for the database (built off the database)."""

    entries: list[Entry] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    rows: int = 0  # rows read (``ImportSummary.rows``)
    records: int = 0  # rows and refused records: one per line that holds one
    items: int = 0  # parser items (rows and row errors) consumed: a job's checkpoint
    last_line: int = 0


def _new_record(item: Row | RowError, previous: int) -> bool:
    """A row and the error about its address share a line: one record."""
    return bool(item.line) and item.line != previous


def count_records(items: Iterable[Row | RowError]) -> int:
    count, previous = 0, 0
    for item in items:
        count += _new_record(item, previous)
        previous = item.line
    return count


def read_batches(
    items: Iterable[Row | RowError], *, fmt: str, source: str, size: int = CHUNK, skip: int = 0
) -> Iterator[Batch]:
    """Batches of at most ``size`` parser items, after the first ``skip`` items (already
    imported: the parser gives the same items in the same order every time)."""
    batch, previous = Batch(), 0
    for index, item in enumerate(items):
        if index >= skip:
            _add_item(batch, item, fmt, source, previous)
            if batch.items >= size:
                yield batch
                batch = Batch()
        previous = item.line
    if batch.items:
        yield batch


def _add_item(batch: Batch, item: Row | RowError, fmt: str, source: str, previous: int) -> None:
    batch.items += 1
    batch.records += _new_record(item, previous)
    batch.last_line = max(batch.last_line, item.line)
    if isinstance(item, RowError):
        batch.errors.append(item)
        return
    batch.rows += 1
    mapped = row_input(item, fmt, source)
    batch.errors += [RowError(item.line, problem) for problem in mapped.problems]
    if mapped.data is not None:
        batch.entries.append(Entry(item.line, mapped.data, mapped.domain, mapped.name_key))


ERASED_ROW = "suppressed: this address was erased on request (GDPR); not imported"


def _without_erased(batch: Batch) -> tuple[list[Entry], list[RowError]]:
    """The rows whose address belongs to an erased person are refused (one query a batch):
    the hashed suppression says so, and their data is never stored again."""
    erased = erased_among([a for e in batch.entries for a in e.emails])
    if not erased:
        return batch.entries, []
    kept = [e for e in batch.entries if not erased.intersection(e.emails)]
    refused = [RowError(e.line, ERASED_ROW) for e in batch.entries if erased.intersection(e.emails)]
    return kept, refused


def import_batch(batch: Batch) -> ImportSummary:
    """Write one batch (``import_entries``); its summary carries the batch's row errors too."""
    entries, refused = _without_erased(batch)
    summary = import_entries(entries) if entries else ImportSummary()
    summary.rows += batch.rows
    summary.errors = batch.errors + refused + summary.errors
    return summary


def read_ahead(batches: Iterator[Batch]) -> Generator[Batch, None, None]:
    """``batches``, read and mapped by a thread of their own while the caller waits on the
    database: reading is pure Python, the database round trips release the GIL, so the two
    overlap. The thread touches no database connection. Close the generator to stop it early."""
    queue: Queue[Batch | BaseException | None] = Queue(maxsize=READ_AHEAD)
    stop = threading.Event()

    def offer(item: Batch | BaseException | None) -> None:
        while not stop.is_set():
            try:
                queue.put(item, timeout=0.1)
                return
            except Full:
                continue

    def read() -> None:
        try:
            for batch in batches:
                if stop.is_set():
                    return
                offer(batch)
            offer(None)
        except BaseException as exc:  # handed to the caller, raised there
            offer(exc)

    reader = threading.Thread(target=read, name="import-reader", daemon=True)
    reader.start()
    try:
        while (item := queue.get()) is not None:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        reader.join(timeout=5)


def import_items(
    items: Iterable[Row | RowError],
    *,
    fmt: str,
    source: str = "",
    progress: Progress | None = None,
    chunk_size: int = CHUNK,
) -> ImportSummary:
    """Import in the caller's process (the command, sourcing, the legacy migration)."""
    summary = ImportSummary(format=fmt)
    for batch in read_ahead(read_batches(items, fmt=fmt, source=source or fmt, size=chunk_size)):
        summary.add(import_batch(batch))
        if progress:
            progress(batch.last_line)
    if summary.created_keys:
        summary.hints = hints_for_keys(summary.created_keys)
    return summary


def import_file(
    data: bytes | str | BinaryIO,
    filename: str = "",
    *,
    source: str = "",
    progress: Progress | None = None,
    chunk_size: int = CHUNK,
) -> ImportSummary:
    """Import a CSV / Sales Navigator / Supabase / JSON Lines / D1 SQL file (see sources)."""
    fmt, items = open_import(data, filename)
    return import_items(items, fmt=fmt, source=source, progress=progress, chunk_size=chunk_size)
