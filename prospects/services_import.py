"""Import files of prospects fast, with the same per-row dedup as ``prospect_create``.

Rows are read lazily and handled in chunks (``CHUNK`` rows). For a chunk: one query per key
kind finds the prospects that already exist (by contact email, website domain, normalized
name + city), then the rows are decided one by one, in file order, against those and against
the rows before them in the file (``prospects.import_plan``); then new prospects, their
"created" events and contacts are inserted in bulk (COPY on PostgreSQL, ``prospects.bulk``) and
filled-in prospects saved with ``bulk_update``, all in one transaction. A row is ``created``, ``updated`` (it filled a blank field or added a contact
to an existing prospect) or a ``duplicate`` (it changed nothing), so importing a file twice
changes nothing the second time.

When the chunk's transaction hits a unique constraint (another import or API call inserted the
same prospect meanwhile) or a value the database refuses, the chunk is replayed row by row, so
only the offending row is reported. Near-duplicate hints are computed once, at the end, for
every prospect created.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import Any, BinaryIO

from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone

from prospects.import_plan import Chunk, Entry
from prospects.rows import row_input
from prospects.sources import Row, RowError, open_import

CHUNK = 1000
Progress = Callable[[int], None]  # called with the last physical line handled


@dataclass
class ImportSummary:
    created: int = 0
    updated: int = 0
    duplicates: int = 0
    errors: list[RowError] = field(default_factory=list)
    format: str = ""
    rows: int = 0
    created_ids: list[int] = field(default_factory=list)
    hints: int = 0

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
        self.created_ids += other.created_ids


def _run_chunk(entries: list[Entry]) -> ImportSummary:
    summary = ImportSummary()
    with transaction.atomic():
        chunk = Chunk(entries, timezone.now())
        chunk.load()
        chunk.plan()
        summary.created_ids = chunk.write()
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


def _entries(
    items: Iterable[Row | RowError], fmt: str, source: str, summary: ImportSummary
) -> Iterator[Entry]:
    for item in items:
        if isinstance(item, RowError):
            summary.errors.append(item)
            continue
        summary.rows += 1
        mapped = row_input(item, fmt, source)
        summary.errors += [RowError(item.line, problem) for problem in mapped.problems]
        if mapped.data is not None:
            yield Entry(item.line, mapped.data, mapped.domain, mapped.name_key)


def import_items(
    items: Iterable[Row | RowError],
    *,
    fmt: str,
    source: str = "",
    progress: Progress | None = None,
    chunk_size: int = CHUNK,
) -> ImportSummary:
    summary = ImportSummary(format=fmt)
    entries = _entries(items, fmt, source or fmt, summary)
    while chunk := list(islice(entries, chunk_size)):
        summary.add(import_entries(chunk))
        if progress:
            progress(chunk[-1].line)
    if summary.created_ids:
        from prospects.services_dedup import hints_for_prospects

        summary.hints = hints_for_prospects(summary.created_ids)
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
