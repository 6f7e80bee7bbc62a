"""Rows, errors, and the row-level checks every import format shares.

Validation rules (``finish_row``):

- A row needs a name (the business; a ``company`` column counts): without one, or with one made
  only of punctuation, the row is rejected with ``missing name``.
- ``contact_email`` may hold several addresses ("a@x.pt; b@x.pt"): the first valid one is kept,
  other valid ones go to ``other_emails``. When none is valid the row is still imported, without
  the address, and an error for the same line says so: a bad cell should not lose a hotel, and
  the operator still sees what was dropped.
- Cells reading ``NULL``, ``null`` or ``\\N`` (database exports) count as empty; single-line
  fields have their whitespace collapsed, ``notes`` keeps its line breaks.
- ``tags`` written as a JSON list or a PostgreSQL array (``{a,b}``) become ``a, b``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from prospects.normalize import normalize_email, normalize_name
from prospects.sources.headers import LOCATION_COLUMNS
from prospects.sources.location import split_location

NULL_MARKERS = frozenset({"NULL", "null", "\\N"})
MULTILINE_KEYS = frozenset({"notes", "description", "research_notes"})
_EMAIL_SPLIT_RE = re.compile(r"[;,\s]+")
_SPACES_RE = re.compile(r"\s+")


@dataclass
class Row:
    line: int  # physical line where the record starts; the header is line 1
    data: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # A JSON "\u0000" reaches here as a NUL, which no database text column accepts.
        for key, value in self.data.items():
            if isinstance(value, str) and "\x00" in value:
                self.data[key] = value.replace("\x00", "")


@dataclass
class RowError:
    line: int  # 0 when the problem concerns the whole file
    detail: str

    def __post_init__(self) -> None:
        # Details quote the file; control characters would break logs and JSON columns.
        self.detail = "".join(
            ch if ch.isprintable() or ch == " " else repr(ch)[1:-1] for ch in self.detail
        )

    def __str__(self) -> str:
        return f"line {self.line}: {self.detail}" if self.line else self.detail


@dataclass
class Parsed:
    rows: list[Row]
    errors: list[RowError]
    format: str  # "csv", "sales_navigator", "supabase", "jsonl" or "d1_sql"


def _clean(data: dict[str, str]) -> dict[str, str]:
    cleaned: dict[str, str] = {}
    for key, value in data.items():
        value = value.strip()
        if not value or value in NULL_MARKERS:
            continue
        if key in MULTILINE_KEYS:
            cleaned[key] = value.replace("\r\n", "\n").replace("\r", "\n")
        else:
            cleaned[key] = _SPACES_RE.sub(" ", value)
    return cleaned


def _clean_tags(value: str) -> str:
    items: list[str] = []
    if value.startswith("["):
        try:
            decoded = json.loads(value)
        except ValueError:
            decoded = None
        if isinstance(decoded, list):
            items = [str(item) for item in decoded]
    elif value.startswith("{") and value.endswith("}"):
        items = value[1:-1].split(",")
    else:
        return value
    return ", ".join(item.strip().strip('"') for item in items if item.strip().strip('"'))


def _derive(data: dict[str, str]) -> None:
    if "contact_name" not in data:
        full = " ".join(filter(None, (data.get("first_name"), data.get("last_name"))))
        if full:
            data["contact_name"] = full
    location = next((data[key] for key in LOCATION_COLUMNS if data.get(key)), "")
    if location and not (data.get("city") and data.get("country")):
        city, country = split_location(location)
        if city and "city" not in data:
            data["city"] = city
        if country and "country" not in data:
            data["country"] = country
    if "tags" in data:
        data["tags"] = _clean_tags(data["tags"])
        if not data["tags"]:
            del data["tags"]


def _check_email(line: int, data: dict[str, str]) -> RowError | None:
    raw = data.pop("contact_email", "")
    if not raw:
        return None
    valid = [e for e in map(normalize_email, _EMAIL_SPLIT_RE.split(raw)) if e]
    valid = list(dict.fromkeys(valid))
    if valid:
        data["contact_email"] = valid[0]
        if len(valid) > 1:
            data["other_emails"] = ", ".join(valid[1:])
        return None
    return RowError(line, f"invalid email {raw!r} left out (the row is imported without it)")


def finish_row(line: int, data: dict[str, str]) -> list[Row | RowError]:
    """Clean and check one mapped row: ``[Row]``, ``[Row, RowError]`` or ``[RowError]``."""
    data = _clean(data)
    _derive(data)
    if not normalize_name(data.get("name", "")):
        return [RowError(line, "missing name")]
    email_error = _check_email(line, data)
    row: list[Row | RowError] = [Row(line, data)]
    return [*row, email_error] if email_error else row
