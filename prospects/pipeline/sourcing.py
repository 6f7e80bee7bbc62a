"""Sourcing: files dropped in the storage backend, and Google Places text searches.

Files: every ``.csv``/``.tsv``/``.jsonl``/``.ndjson``/``.json``/``.sql`` under
``imports/incoming/`` of ``default_storage`` (local media or S3) is imported like
``import_prospects`` does, then moved to ``imports/done/<UTC time>-<name>``, with the row
errors beside it as ``<...>.errors.json`` when there are any. A file that cannot be read at
all goes to ``imports/failed/``. Importing is idempotent, so two runs racing on one file only
cost time.

Places: with GOOGLE_PLACES_API_KEY set, each ``;``-separated query of SCRAPE_QUERIES is a Text
Search; each place becomes a row (name, city, country, website, phone, Google Maps URL) with
source ``google_places``, deduplicated like any import.
"""

from __future__ import annotations

import json
import logging
from typing import BinaryIO, cast

from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage
from django.utils import timezone

from prospects.clients import VendorError, places
from prospects.conf import knob
from prospects.models import PipelineRun
from prospects.pipeline.runs import run_count, run_error, run_merge_import
from prospects.services.imports import ImportSummary, import_file, import_items
from prospects.sources import Row

log = logging.getLogger(__name__)
INCOMING = "imports/incoming/"
DONE = "imports/done/"
FAILED = "imports/failed/"
EXTENSIONS = (".csv", ".tsv", ".jsonl", ".ndjson", ".json", ".sql")


def incoming_files() -> list[str]:
    try:
        _dirs, files = default_storage.listdir(INCOMING)
    except (FileNotFoundError, NotADirectoryError):
        return []
    return sorted(f for f in files if f.lower().endswith(EXTENSIONS) and not f.startswith("."))


def _move(path: str, folder: str, name: str) -> str:
    with default_storage.open(path, "rb") as handle:
        saved = default_storage.save(folder + name, File(handle))  # streamed in chunks
    default_storage.delete(path)
    return saved


def _import_one(run_id: int, name: str, stamp: str) -> ImportSummary | None:
    path = INCOMING + name
    try:
        with default_storage.open(path, "rb") as handle:
            summary = import_file(cast(BinaryIO, handle), name, source="import")
    except Exception as exc:  # storage or decoding trouble: park the file for the operator
        log.exception("import of %s failed", path)
        run_error(run_id, "sourcing", f"{type(exc).__name__}: {exc}", file=name)
        _move(path, FAILED, f"{stamp}-{name}")
        return None
    _move(path, DONE, f"{stamp}-{name}")
    if summary.errors:
        report = json.dumps(summary.as_dict()["errors"], ensure_ascii=False, indent=1)
        default_storage.save(f"{DONE}{stamp}-{name}.errors.json", ContentFile(report.encode()))
    return summary


def source_files(run_id: int) -> list[int]:
    """Import every waiting file; returns the ids of the prospects created."""
    created: list[int] = []
    stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
    for name in incoming_files():
        summary = _import_one(run_id, name, stamp)
        if summary is not None:
            run_merge_import(run_id, "sourcing", summary, name=name)
            run_count(run_id, "sourcing", files=1)
            created += summary.created_ids
    return created


def place_row(line: int, place: places.Place) -> Row:
    data = {
        "name": place.name,
        "city": place.city,
        "country": place.country,
        "website": place.website,
        "phone": place.phone,
        "source_url": place.maps_url,
        "source": "google_places",
    }
    return Row(line, {k: v for k, v in data.items() if v})


def source_places(run_id: int) -> list[int]:
    queries = [q.strip() for q in knob("SCRAPE_QUERIES").split(";") if q.strip()]
    if not queries or not places.configured():
        return []
    created: list[int] = []
    for query in queries:
        try:
            found = places.text_search(query)
        except VendorError as exc:
            run_error(run_id, "sourcing", str(exc), query=query)
            continue
        rows = [place_row(n, place) for n, place in enumerate(found, start=1) if place.name]
        summary = import_items(rows, fmt="places", source="google_places")
        run_merge_import(run_id, "sourcing", summary, name=f"places: {query}")
        run_count(run_id, "sourcing", places_queries=1, places_results=len(found))
        created += summary.created_ids
    return created


def run_sourcing(run: PipelineRun) -> list[int]:
    """Both sources, in the request or the daily task; returns the new prospects' ids."""
    created = source_files(run.pk) + source_places(run.pk)
    log.info("sourcing done", extra={"run": run.pk, "new_prospects": len(created)})
    return created
