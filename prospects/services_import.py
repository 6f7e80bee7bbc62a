"""Import files of prospects fast, with the same per-row dedup as ``prospect_create``.

Rows are read lazily and handled in chunks (``CHUNK`` rows). For a chunk: one query per key
kind finds the prospects that already exist (by contact email, website domain, normalized
name + city), then the rows are decided one by one, in file order, against those and against
the rows before them in the file; then new prospects, their "created" events and contacts are
inserted with ``bulk_create`` and filled-in prospects saved with ``bulk_update``, all in one
transaction. A row is ``created``, ``updated`` (it filled a blank field or added a contact
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
from django.db.models.functions import Lower
from django.utils import timezone

from prospects.emails import is_role_address
from prospects.models import Contact, Prospect, ProspectEvent
from prospects.normalize import normalize_city, normalize_email, normalize_name
from prospects.rows import row_input
from prospects.services import FILLABLE, ProspectInput, domain_key
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


@dataclass
class Entry:
    line: int
    data: ProspectInput
    email: str = ""
    domain: str = ""
    name_key: str = ""
    city_key: str = ""

    @classmethod
    def of(cls, line: int, data: ProspectInput) -> Entry:
        return cls(
            line,
            data,
            email=normalize_email(data.contact_email),
            domain=domain_key(data.website),
            name_key=normalize_name(data.name)[:255],
            city_key=normalize_city(data.city)[:120],
        )

    @property
    def emails(self) -> list[str]:
        return [e for e in (self.email, *self.data.other_emails) if e]


class _Chunk:
    """One chunk's decisions: what exists, what each row does, what to write."""

    def __init__(self, entries: list[Entry], now: Any) -> None:
        self.entries = entries
        self.now = now
        self.by_email: dict[str, Prospect] = {}
        self.by_domain: dict[str, Prospect] = {}
        self.by_name: dict[tuple[str, str], Prospect] = {}
        self.names: dict[int, set[str]] = {}  # id(prospect) -> contact names
        self.with_contacts: set[int] = set()
        self.new: list[Prospect] = []
        self.lines: dict[int, int] = {}  # id(new prospect) -> its line
        self.contacts: list[Contact] = []
        self.dirty: dict[int, tuple[Prospect, set[str]]] = {}
        self.outcomes: list[str] = []

    # -- what exists --------------------------------------------------------------------
    def load(self) -> None:
        emails = {e for entry in self.entries for e in entry.emails}
        domains = {entry.domain for entry in self.entries if entry.domain}
        names = {entry.name_key for entry in self.entries}
        cities = {entry.city_key for entry in self.entries}
        owners = dict(
            Contact.objects.annotate(lower_email=Lower("email"))
            .filter(lower_email__in=emails)
            .values_list("lower_email", "prospect_id")
        )
        found = list(Prospect.objects.filter(domain__in=domains).exclude(domain=""))
        found += Prospect.objects.filter(name_key__in=names, city_key__in=cities).exclude(
            name_key=""
        )
        found += Prospect.objects.filter(pk__in=set(owners.values()))
        raw = {p.pk: p for p in found}
        prospects = self._survivors(dict(raw))
        for prospect in raw.values():
            self._register(prospect, prospects)
        for email, prospect_id in owners.items():
            self.by_email[email] = prospects[prospect_id]
        self._load_contacts(prospects)

    def _survivors(self, prospects: dict[int, Prospect]) -> dict[int, Prospect]:
        """Every loaded prospect maps to itself, or to the one it was merged into."""
        for _hop in range(10):
            missing = {
                p.merged_into_id
                for p in prospects.values()
                if p.merged_into_id and p.merged_into_id not in prospects
            }
            if not missing:
                break
            prospects.update(Prospect.objects.in_bulk(missing))
        resolved = {}
        for pk, prospect in prospects.items():
            target = prospect
            for _hop in range(10):
                if not target.merged_into_id or target.merged_into_id not in prospects:
                    break
                target = prospects[target.merged_into_id]
            resolved[pk] = target
        return resolved

    def _register(self, prospect: Prospect, resolved: dict[int, Prospect]) -> None:
        target = resolved.get(prospect.pk, prospect) if prospect.pk else prospect
        if prospect.domain:
            self.by_domain[prospect.domain] = target
        if prospect.name_key:
            self.by_name[(prospect.name_key, prospect.city_key)] = target

    def _load_contacts(self, prospects: dict[int, Prospect]) -> None:
        ids = {p.pk: p for p in prospects.values()}
        rows = Contact.objects.filter(prospect_id__in=ids).values_list("prospect_id", "name")
        for prospect_id, name in rows:
            key = id(ids[prospect_id])
            self.with_contacts.add(key)
            self.names.setdefault(key, set()).add(name)

    # -- deciding each row --------------------------------------------------------------
    def plan(self) -> None:
        for entry in self.entries:
            target = self._match(entry)
            if target is None:
                self._create(entry)
                self.outcomes.append("created")
                continue
            changed = self._fill(target, entry)
            added = self._contacts(target, entry)
            self.outcomes.append("updated" if changed or added else "duplicate")

    def _match(self, entry: Entry) -> Prospect | None:
        if entry.email and entry.email in self.by_email:
            return self.by_email[entry.email]
        if entry.domain and entry.domain in self.by_domain:
            return self.by_domain[entry.domain]
        return self.by_name.get((entry.name_key, entry.city_key)) if entry.name_key else None

    def _create(self, entry: Entry) -> None:
        data, extra = entry.data, entry.data.extra
        prospect = Prospect(
            name=data.name.strip(),
            name_key=entry.name_key,
            city=data.city.strip(),
            city_key=entry.city_key,
            country=data.country.strip(),
            website=data.website,
            domain=entry.domain,
            phone=data.phone,
            property_type=data.property_type,
            lead_source=data.lead_source,
            source_url=data.source_url,
            notes=data.notes,
            tags=list(data.tags),
            legacy_id=data.legacy_id,
            stage=extra.get("stage", Prospect.Stage.NEW),
            tier=extra.get("tier", Prospect.Tier.COLD),
            score=extra.get("score", 0),
            archived=bool(extra.get("archived", False)),
        )
        self.new.append(prospect)
        self.lines[id(prospect)] = entry.line
        self._register(prospect, {})
        self._contacts(prospect, entry)

    def _fill(self, prospect: Prospect, entry: Entry) -> bool:
        changed = {n for n in FILLABLE if getattr(entry.data, n) and not getattr(prospect, n)}
        for name in changed:
            setattr(prospect, name, getattr(entry.data, name))
        if "website" in changed and entry.domain and entry.domain not in self.by_domain:
            prospect.domain = entry.domain
            self.by_domain[entry.domain] = prospect
            changed.add("domain")
        if changed and prospect.pk:
            self.dirty.setdefault(id(prospect), (prospect, set()))[1].update(changed)
        return bool(changed)

    def _contacts(self, prospect: Prospect, entry: Entry) -> bool:
        data, key = entry.data, id(prospect)
        wanted: list[tuple[str, str]] = []  # (email, name)
        if entry.email:
            if entry.email not in self.by_email:
                wanted.append((entry.email, data.contact_name.strip()))
        elif data.contact_name.strip() and data.contact_name.strip() not in self.names.get(key, ()):
            wanted.append(("", data.contact_name.strip()))
        wanted += [
            (e, "") for e in data.other_emails if e not in self.by_email and e != entry.email
        ]
        for email, name in wanted:
            self.contacts.append(self._contact(prospect, entry, email, name))
            if email:
                self.by_email[email] = prospect
            self.names.setdefault(key, set()).add(name)
            self.with_contacts.add(key)
        return bool(wanted)

    def _contact(self, prospect: Prospect, entry: Entry, email: str, name: str) -> Contact:
        person = bool(name)
        verified = bool(entry.data.extra.get("email_verified"))
        return Contact(
            prospect=prospect,
            email=email,
            name=name,
            title=entry.data.contact_title.strip() if person else "",
            linkedin_url=entry.data.linkedin_url if person else "",
            is_primary=id(prospect) not in self.with_contacts,
            is_role=is_role_address(email) if email else False,
            source=entry.data.lead_source,
            verification_evidence={"legacy": {"email_verified": True}} if verified else {},
        )

    # -- writing ------------------------------------------------------------------------
    def write(self) -> list[int]:
        Prospect.objects.bulk_create(self.new, batch_size=CHUNK)
        events = [
            ProspectEvent(
                prospect=p,
                kind="created",
                message=f"Created from {p.lead_source or 'import'}"[:500],
                data={"line": self.lines[id(p)]},
            )
            for p in self.new
        ]
        ProspectEvent.objects.bulk_create(events, batch_size=CHUNK)
        Contact.objects.bulk_create(self.contacts, batch_size=CHUNK)
        by_fields: dict[frozenset[str], list[Prospect]] = {}
        for prospect, fields in self.dirty.values():
            prospect.updated_at = self.now
            by_fields.setdefault(frozenset(fields), []).append(prospect)
        for fields, prospects in by_fields.items():
            Prospect.objects.bulk_update(prospects, [*sorted(fields), "updated_at"])
        return [p.pk for p in self.new]


def _run_chunk(entries: list[Entry]) -> ImportSummary:
    summary = ImportSummary()
    with transaction.atomic():
        chunk = _Chunk(entries, timezone.now())
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
        data, problems = row_input(item, fmt, source)
        summary.errors += [RowError(item.line, problem) for problem in problems]
        if data is not None:
            yield Entry.of(item.line, data)


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
