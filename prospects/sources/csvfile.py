"""CSV import files: generic lists, Sales Navigator exports, the old Supabase and D1 exports.

The delimiter is read from the header line (``,`` ``;`` tab or ``|``, whichever appears most
outside quotes), or from an Excel ``sep=;`` first line. Column names are mapped by
``prospects.sources.headers`` (the table is there).

Line numbers are physical lines of the file, the header being line 1 (blank lines before it
count): a record whose quoted field spans three lines is reported at its first line, and the
next record at the line after its last. A row with more cells than the header (non-empty ones)
or fewer is rejected and reported: its values are probably shifted into the wrong columns. A
malformed record (a stray quote, an unterminated quoted field) is reported with the lines it
covered, and reading goes on after it. A header with no column for the name (see the table)
is one error for the whole file, and no row is read.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from itertools import chain

from prospects.sources.base import Row, RowError, finish_row
from prospects.sources.headers import COMPANY_COLUMNS, HeaderMap

DELIMITERS = (",", ";", "\t", "|")
_SALES_NAV_LINK_COLUMNS = frozenset(
    {"profile_url", "linkedin_profile_url", "linkedin_url", "default_profile_url", "geography"}
    | {"location", "company_location"}
)


class _LineCounter:
    """Counts the lines the csv reader pulls, so records know where they start."""

    def __init__(self, lines: Iterator[str]) -> None:
        self.lines = lines
        self.count = 0

    def __iter__(self) -> _LineCounter:
        return self

    def __next__(self) -> str:
        line = next(self.lines)
        self.count += 1
        return line


def sniff_delimiter(line: str) -> str:
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for char in line:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def csv_flavour(keys: list[str]) -> str:
    """ "supabase", "sales_navigator" or "csv", from the normalized header keys."""
    present = set(keys)
    old_crm = len(present & {"stage", "tier", "score"}) >= 2
    if {"id", "email"} <= present and "contact_email" not in present and old_crm:
        return "supabase"
    if any("sales_navigator" in key for key in present):
        return "sales_navigator"
    person = {"first_name", "last_name"} <= present
    if person and present & COMPANY_COLUMNS and present & _SALES_NAV_LINK_COLUMNS:
        return "sales_navigator"
    return "csv"


def _header_line(counter: _LineCounter) -> tuple[str, str]:
    """(first header line, delimiter), skipping blank lines and an Excel ``sep=`` line."""
    delimiter = ""
    for line in counter:
        text = line.strip("\r\n")
        if not text.strip():
            continue
        if text.lower().startswith("sep=") and len(text) == 5:
            delimiter = text[4]
            continue
        return line, delimiter or sniff_delimiter(text)
    return "", ","


def _check_width(line: int, values: list[str], width: int) -> RowError | None:
    extra = values[width:]
    if len(values) < width or any(value.strip() for value in extra):
        return RowError(line, f"{len(values)} fields, but the header has {width}")
    return None


def _records(
    reader: Iterator[list[str]], counter: _LineCounter
) -> Iterator[tuple[int, list[str]] | RowError]:
    """(start line, cells) per record, or an error covering the lines of a malformed one."""
    previous = counter.count
    while True:
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            first, last = previous + 1, max(counter.count, previous + 1)
            span = f"line {first}" if last == first else f"lines {first}-{last}"
            yield RowError(first, f"malformed CSV ({exc}); {span} skipped")
            previous = counter.count
            continue
        start, previous = previous + 1, counter.count
        if any(value.strip() for value in values):
            yield start, values


def open_csv(lines: Iterator[str]) -> tuple[str, Iterator[Row | RowError]]:
    """Read the header now, so the flavour is known; the rows come lazily."""
    counter = _LineCounter(lines)
    first, delimiter = _header_line(counter)
    reader = csv.reader(chain([first], counter), delimiter=delimiter, strict=True)
    header_line = counter.count
    try:
        header = next(reader) if first else []
    except csv.Error as exc:
        return "csv", iter([RowError(header_line, f"unreadable header ({exc})")])
    header_map = HeaderMap(header)
    flavour = csv_flavour(header_map.keys)
    if header and "name" not in header_map.sources:
        # One error for the file, not one "missing name" per row of a 100,000-row export.
        columns = ", ".join(header)[:300]
        return flavour, iter([RowError(header_line, f"no name or company column in: {columns}")])
    return flavour, _rows(reader, counter, header_map, flavour)


def _rows(
    reader: Iterator[list[str]], counter: _LineCounter, header_map: HeaderMap, flavour: str
) -> Iterator[Row | RowError]:
    width = len(header_map.keys)
    for record in _records(reader, counter):
        if isinstance(record, RowError):
            yield record
            continue
        line, values = record
        width_error = _check_width(line, values, width)
        if width_error:
            yield width_error
            continue
        data = header_map.apply(values)
        if flavour == "sales_navigator":
            data.setdefault("source", "sales_navigator")
        yield from finish_row(line, data)
