"""Import files turned into prospect rows, without ever raising on a bad row.

Formats (``Parsed.format``):

- ``csv``: any CSV with a header (column names mapped as tabled in
  ``prospects.sources.headers``), including the old D1 ``prospects`` columns;
- ``sales_navigator``: a CSV exported from LinkedIn Sales Navigator (First Name, Last Name,
  Company, Location, Profile URL ...); rows get ``source=sales_navigator`` when they have none;
- ``supabase``: the old system's Supabase ``prospects`` export (``email`` instead of
  ``contact_email``, plus ``stage``/``tier``/``score``);
- ``jsonl``: one JSON object per line;
- ``d1_sql``: a ``wrangler d1 export`` dump; only the ``prospects`` table is imported here,
  ``parse_sql_dump`` gives every table to the migration tool.

The format comes from the file name (``.sql``, ``.jsonl``/``.ndjson``/``.json``, ``.csv``/
``.tsv``) and otherwise from the content. Encodings: see ``prospects.sources.text``. Row checks:
see ``prospects.sources.base``. Each row carries the physical line it starts on (header = 1).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import chain, islice
from typing import BinaryIO

from prospects.sources.base import Parsed, Row, RowError, finish_row
from prospects.sources.csvfile import open_csv
from prospects.sources.headers import CANONICAL_KEYS, HeaderMap, header_key
from prospects.sources.jsonl import iter_jsonl
from prospects.sources.sqldump import SqlDump, iter_sql_dump, parse_sql_dump
from prospects.sources.text import decode_lines

__all__ = [
    "CANONICAL_KEYS", "FORMATS", "Parsed", "Row", "RowError", "SqlDump", "header_key",
    "iter_import", "iter_sql_dump", "open_import", "parse_import", "parse_sql_dump",
    "sniff_format",
]  # fmt: skip

FORMATS = ("csv", "sales_navigator", "supabase", "jsonl", "d1_sql")
SNIFF_LINES = 20
_EXTENSIONS = {"sql": "d1_sql", "jsonl": "jsonl", "ndjson": "jsonl", "json": "jsonl"}
_EXTENSIONS |= {"csv": "csv", "tsv": "csv"}
_SQL_START_RE = re.compile(
    r"\s*(?:--|/\*|PRAGMA\b|BEGIN\b|CREATE\s|INSERT\s|REPLACE\s+INTO\b)", re.IGNORECASE
)

ImportData = bytes | str | BinaryIO


def sniff_format(head: list[str], filename: str = "") -> str:
    """ "d1_sql", "jsonl" or "csv" (a CSV's flavour is decided by its header later)."""
    extension = filename.lower().rsplit(".", 1)[-1] if "." in filename else ""
    if extension in _EXTENSIONS:
        return _EXTENSIONS[extension]
    first = next((line for line in head if line.strip()), "")
    if first.lstrip().startswith("{"):
        return "jsonl"
    if _SQL_START_RE.match(first):
        return "d1_sql"
    return "csv"


def _sql_prospects(lines: Iterator[str]) -> Iterator[Row | RowError]:
    found = False
    header_maps: dict[tuple[str, ...], HeaderMap] = {}
    for table, item in iter_sql_dump("".join(lines)):
        if table not in ("prospects", ""):
            continue
        found = found or table == "prospects"
        if isinstance(item, RowError):
            yield item
            continue
        keys = tuple(item.data)
        header_map = header_maps.get(keys) or header_maps.setdefault(keys, HeaderMap(keys))
        yield from finish_row(item.line, header_map.apply(list(item.data.values())))
    if not found:
        yield RowError(0, "no INSERT INTO prospects in this SQL dump")


def open_import(data: ImportData, filename: str = "") -> tuple[str, Iterator[Row | RowError]]:
    """(format, rows): the format is known now, rows and errors come lazily in file order."""
    _, lines = decode_lines(data)
    head = list(islice(lines, SNIFF_LINES))
    kind = sniff_format(head, filename)
    everything = chain(head, lines)
    if kind == "jsonl":
        return kind, iter_jsonl(everything)
    if kind == "d1_sql":
        return kind, _sql_prospects(everything)
    return open_csv(everything)


def iter_import(data: ImportData, filename: str = "") -> Iterator[Row | RowError]:
    """Rows and errors one at a time, for big files: a file object is scanned once for its
    encoding, then read as the rows are consumed, so nothing holds every row at once."""
    _, items = open_import(data, filename)
    yield from items


def parse_import(data: ImportData, filename: str = "") -> Parsed:
    kind, items = open_import(data, filename)
    parsed = Parsed(rows=[], errors=[], format=kind)
    for item in items:
        if isinstance(item, Row):
            parsed.rows.append(item)
        else:
            parsed.errors.append(item)
    return parsed
