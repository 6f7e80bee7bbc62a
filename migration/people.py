"""Prospects and contacts, through the prospects importer (its dedup by email, website domain,
name + city), then each old prospect id mapped to the Jengu prospect it became or matched."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models.functions import Lower

from migration import values
from migration.readers import D1, Record
from migration.state import Run
from prospects.models import Contact, Prospect
from prospects.rows import row_input
from prospects.services import (
    ProspectInput,
    find_duplicate,
    prospect_note_times,
    prospect_set_legacy_id,
    survivor,
)
from prospects.services.imports import import_items
from prospects.sources import Row, RowError
from prospects.sources.base import finish_row
from prospects.sources.headers import HeaderMap

SOURCE = "legacy"
FORMAT = {D1: "d1_sql", "supabase": "supabase"}  # the importer keeps id/stage/tier/score


_HEADER_MAPS: dict[tuple[str, ...], HeaderMap] = {}


def canonical(record: Record) -> list[Row | RowError]:
    """An old prospect row in the importer's canonical keys (``email`` -> ``contact_email``)."""
    keys = tuple(record.data)
    header_map = _HEADER_MAPS.get(keys) or _HEADER_MAPS.setdefault(keys, HeaderMap(keys))
    return finish_row(record.line, header_map.apply(list(record.data.values())))


def _by_file(records: Iterable[Record]) -> dict[str, list[Record]]:
    files: dict[str, list[Record]] = {}
    for record in records:
        files.setdefault(record.file, []).append(record)
    return files


def import_prospects(run: Run) -> None:
    records = run.export.rows("prospects")
    contacts_before = Contact.objects.count()
    problems: dict[str, str] = {}
    for name, rows in _by_file(records).items():
        items = [item for record in rows for item in canonical(record)]
        summary = import_items(items, fmt=FORMAT[rows[0].source], source=SOURCE)
        run.report.count("prospects", "created", summary.created)
        run.report.count("prospects", "updated", summary.updated)
        run.report.count("prospects", "unchanged", summary.duplicates)
        for error in summary.errors:
            problems.setdefault(f"{name}:{error.line}", error.detail)
    run.report.count("contacts", "created", Contact.objects.count() - contacts_before)
    _map_prospects(run, records, problems)


def _input(record: Record) -> ProspectInput | None:
    rows = [item for item in canonical(record) if isinstance(item, Row)]
    if not rows:
        return None
    return row_input(rows[0], FORMAT[record.source], SOURCE).data


def _map_prospects(run: Run, records: list[Record], problems: dict[str, str]) -> None:
    by_legacy = {
        legacy_id: pk
        for legacy_id, pk in Prospect.objects.exclude(legacy_id="").values_list("legacy_id", "pk")
    }
    for record in records:
        data = _input(record)
        prospect = _find(record.id, data, by_legacy)
        if prospect is None:
            reason = problems.get(record.where, "not imported")
            run.report.skip("prospects", record.where, reason)
            continue
        if record.where in problems:
            run.report.warn(f"{record.where}: {problems[record.where]}")
        if record.id:
            run.prospects[record.id] = prospect
            if data and data.contact_email:
                run.prospect_emails[record.id] = data.contact_email
            prospect_set_legacy_id(prospect_id=prospect.pk, legacy_id=record.id)
        _times(prospect, record)


def _find(legacy_id: str, data: ProspectInput | None, by_legacy: dict[str, int]) -> Prospect | None:
    if legacy_id and legacy_id in by_legacy:
        return survivor(Prospect.objects.get(pk=by_legacy[legacy_id]))
    if data is None:
        return None
    found, _how = find_duplicate(data)
    return found


def _times(prospect: Prospect, record: Record) -> None:
    """The old system's last contact and reply times, when later than what Jengu knows."""
    for field, keys in (
        ("last_contacted_at", ("last_contacted_at",)),
        ("replied_at", ("last_replied_at", "replied_at")),
    ):
        moment = values.when(values.text(record.data, *keys))
        if moment is not None:
            prospect_note_times(prospect_id=prospect.pk, **{field: moment})


def ensure_contacts(run: Run, wanted: dict[str, Prospect]) -> dict[str, Contact]:
    """A contact for each address an old email went to, added to its prospect through the
    importer (so an address already known elsewhere is never duplicated)."""
    known = {c.email.lower(): c for c in _contacts(list(wanted))}
    missing = {email: p for email, p in wanted.items() if email not in known}
    if missing:
        rows: list[Row | RowError] = [
            Row(0, _row_for(prospect, email)) for email, prospect in missing.items()
        ]
        before = Contact.objects.count()
        import_items(rows, fmt="legacy", source=SOURCE)
        run.report.count("contacts", "created", Contact.objects.count() - before)
        known |= {c.email.lower(): c for c in _contacts(list(missing))}
    return known


def _contacts(emails: list[str], batch: int = 500) -> list[Contact]:
    found: list[Contact] = []
    for start in range(0, len(emails), batch):  # SQLite caps the parameters of one query
        part = emails[start : start + batch]
        rows = Contact.objects.annotate(lower_email=Lower("email")).filter(lower_email__in=part)
        found += rows.select_related("prospect")
    return found


def _row_for(prospect: Prospect, email: str) -> dict[str, str]:
    row = {"name": prospect.name, "city": prospect.city, "contact_email": email}
    if prospect.website:
        row["website"] = prospect.website
    return row
