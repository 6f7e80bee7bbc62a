"""JSON Lines import files: one JSON object per line, keys mapped like CSV headers.

Values become strings: numbers as written, booleans ``true``/``false``, ``null`` left out, a
list of plain values joined with ``, `` (tags), anything nested kept as compact JSON. A line
that is not valid JSON, or not an object, is an error for that line; the others still load.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from prospects.sources.base import Row, RowError, finish_row
from prospects.sources.headers import HeaderMap


def _as_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int, float)):
        return str(value)
    if isinstance(value, list) and all(isinstance(v, (str, int, float)) for v in value):
        return ", ".join(str(v) for v in value)
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def iter_jsonl(lines: Iterator[str]) -> Iterator[Row | RowError]:
    header_maps: dict[tuple[str, ...], HeaderMap] = {}
    for number, line in enumerate(lines, start=1):
        text = line.strip()
        if not text:
            continue
        try:
            obj = json.loads(text)
        except json.JSONDecodeError as exc:
            yield RowError(number, f"invalid JSON: {exc.msg} (column {exc.colno})")
            continue
        except (ValueError, RecursionError) as exc:  # huge integers, absurd nesting
            yield RowError(number, f"invalid JSON: {exc}")
            continue
        if not isinstance(obj, dict):
            yield RowError(number, f"expected a JSON object, found {type(obj).__name__}")
            continue
        keys = tuple(str(key) for key in obj)
        if len(header_maps) > 1000:  # every line with its own keys: do not hoard header maps
            header_maps.clear()
        header_map = header_maps.get(keys) or header_maps.setdefault(keys, HeaderMap(keys))
        yield from finish_row(number, header_map.apply([_as_text(v) for v in obj.values()]))
