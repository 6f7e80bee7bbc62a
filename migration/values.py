"""Cell values of the old exports, read the way the old editions wrote them.

D1 stores times as text: ISO 8601 from JavaScript (``2025-11-29T09:57:56.840Z``, or with
``+00:00`` when copied from Supabase) and ``datetime('now')`` defaults
(``2025-11-29 09:57:56``, UTC without a zone). Supabase CSV exports write ``timestamptz`` as
``2025-11-29 09:57:56.84+00``. Every one of them is read here; a time without a zone is UTC.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from prospects.normalize import normalize_email

_TRUE = frozenset({"1", "true", "t", "yes", "y"})
_SHORT_OFFSET_RE = re.compile(r"(\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)([+-]\d{2})$")
_FRACTION_RE = re.compile(r"\.(\d+)")


def text(data: dict[str, str], *keys: str) -> str:
    """The first non-empty value among ``keys``, stripped."""
    for key in keys:
        value = (data.get(key) or "").strip()
        if value and value.upper() != "NULL":
            return value
    return ""


def flag(data: dict[str, str], key: str) -> bool:
    return text(data, key).lower() in _TRUE


def integer(data: dict[str, str], key: str, default: int = 0) -> int:
    value = text(data, key)
    try:
        return int(float(value)) if value else default
    except ValueError:
        return default


def when(value: str) -> datetime | None:
    """A timestamp from any of the old formats, zone-aware (UTC when none is written)."""
    value = value.strip()
    if not value:
        return None
    value = value.replace("Z", "+00:00").replace("z", "+00:00")
    value = _SHORT_OFFSET_RE.sub(r"\1\2:00", value)  # Postgres writes "+00"
    # Python 3.11 wants 3 or 6 fraction digits: "09:57:56.84" is padded, nanoseconds cut.
    value = _FRACTION_RE.sub(lambda m: "." + m.group(1)[:6].ljust(6, "0"), value, count=1)
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def email_address(value: str) -> str:
    """A normalized address, or "" (``Name <a@b>`` forms are unwrapped)."""
    value = value.strip()
    if "<" in value and value.endswith(">"):
        value = value.rsplit("<", 1)[1][:-1]
    return normalize_email(value)


def message_id(value: str) -> str:
    """``<id@host>`` as Jengu stores Message-IDs; "" for none."""
    value = value.strip()
    if not value:
        return ""
    value = value.split()[0]  # a References-like list: the first id
    return value if value.startswith("<") and value.endswith(">") else f"<{value.strip('<>')}>"


def is_rfc_message_id(value: str) -> bool:
    """Graph's internal ids (``graph-1764692687293``) are not Message-IDs: nothing threads."""
    return "@" in value
