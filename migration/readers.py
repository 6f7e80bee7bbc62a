"""The old system's exports, read into ``{table: [Record]}``.

A folder may hold, in any sub-folder:

- D1 dumps (``wrangler d1 export jengu-crm --output=x.sql``): every ``.sql`` file, each with
  any of the tables (``prospects``, ``emails``, ``campaigns``, ``campaign_sequences``,
  ``campaign_leads``, ``bounces``, ``email_exclusions`` ...);
- Supabase exports: one file per table, named after it (``prospects.csv``, or the dashboard's
  ``prospects_rows.csv``; ``emails.json``; ``mailboxes.csv`` ...). CSV with a header, JSON as
  an array of objects (the REST API's shape) or as JSON Lines.

Cells are kept as text; ``NULL`` and empty cells are left out. JSON values: ``true``/``false``,
numbers as written, lists and objects as compact JSON.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from prospects.sources import parse_sql_dump
from prospects.sources.csvfile import sniff_delimiter
from prospects.sources.text import decode_lines

D1 = "d1"
SUPABASE = "supabase"
_SUFFIXES = ("_rows", "-rows", "_export", "-export")
_NULLS = frozenset({"", "NULL", "null", "\\N"})


@dataclass
class Record:
    source: str  # "d1" or "supabase"
    file: str  # relative to the export folder
    line: int
    data: dict[str, str]

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file

    @property
    def id(self) -> str:
        return self.data.get("id", "")


@dataclass
class Export:
    tables: dict[str, list[Record]] = field(default_factory=dict)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (where, detail)
    files: list[str] = field(default_factory=list)

    def rows(self, table: str) -> list[Record]:
        return self.tables.get(table, [])

    def add(self, table: str, record: Record) -> None:
        self.tables.setdefault(table, []).append(record)


def table_name(path: Path) -> str:
    """``public.prospects_rows.csv`` -> ``prospects``."""
    stem = path.name.rsplit(".", 1)[0].lower().removeprefix("public.")
    for suffix in _SUFFIXES:
        stem = stem.removesuffix(suffix)
    return stem


def _cells(data: dict[str, object]) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in data.items():
        if value is None:
            continue
        if isinstance(value, bool):
            cell = "true" if value else "false"
        elif isinstance(value, (list, dict)):
            cell = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        else:
            cell = str(value)
        if cell.strip() not in _NULLS:
            out[str(key).strip().lower()] = cell
    return out


def _read_sql(path: Path, name: str, export: Export) -> None:
    _, lines = decode_lines(path.read_bytes())
    dump = parse_sql_dump("".join(lines))
    for table, rows in dump.items():
        for row in rows:
            export.add(table, Record(D1, name, row.line, _cells(dict(row.data))))
    export.errors += [(f"{name}:{e.line}", e.detail) for e in dump.errors]


def _read_csv(path: Path, name: str, export: Export) -> None:
    _, lines = decode_lines(path.read_bytes())
    all_lines = list(lines)
    first = next((line for line in all_lines if line.strip()), "")
    reader = csv.reader(iter(all_lines), delimiter=sniff_delimiter(first))
    try:
        header = [h.replace("\ufeff", "").strip().lower() for h in next(reader, [])]
        previous = reader.line_num
        for cells in reader:
            line, previous = previous + 1, reader.line_num
            if len(cells) != len(header):
                export.errors.append((f"{name}:{line}", f"{len(cells)} fields for {len(header)}"))
                continue
            export.add(
                table_name(path),
                Record(SUPABASE, name, line, _cells(dict(zip(header, cells, strict=True)))),
            )
    except csv.Error as exc:
        export.errors.append((f"{name}:{reader.line_num}", f"malformed CSV: {exc}"))


def _json_objects(body: str) -> Iterator[tuple[int, object]]:
    stripped = body.lstrip()
    if stripped.startswith("["):
        yield from enumerate(json.loads(stripped), start=1)  # item number stands for the line
        return
    for number, line in enumerate(body.splitlines(), start=1):
        if line.strip():
            yield number, json.loads(line)


def _read_json(path: Path, name: str, export: Export) -> None:
    _, lines = decode_lines(path.read_bytes())
    try:
        for line, obj in _json_objects("".join(lines)):
            if isinstance(obj, dict):
                export.add(table_name(path), Record(SUPABASE, name, line, _cells(obj)))
            else:
                export.errors.append((f"{name}:{line}", "not a JSON object"))
    except (ValueError, RecursionError) as exc:
        export.errors.append((name, f"invalid JSON: {exc}"))


READERS = {".sql": _read_sql, ".csv": _read_csv, ".json": _read_json, ".jsonl": _read_json}


def read_export(folder: Path) -> Export:
    """Every export file under ``folder``, in name order (so a run is repeatable)."""
    export = Export()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        reader = READERS.get(path.suffix.lower())
        if reader is None:
            continue
        name = path.relative_to(folder).as_posix()
        export.files.append(name)
        reader(path, name, export)
    return export
