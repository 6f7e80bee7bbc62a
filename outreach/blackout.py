"""Days closed to sending: public holidays in the recipient's country and operator blackouts.

Holidays come from the ``holidays`` package (national holidays of each country, no regional
ones: a regional holiday is not known from a prospect's country alone). Blackout days are a
list of ISO dates and inclusive ranges, comma- or line-separated:
``2026-12-24, 2026-12-31`` or ``2026-12-24..2026-12-26``.
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError

from prospects.geo import country_code

if TYPE_CHECKING:
    import holidays

MAX_RANGE_DAYS = 366  # a longer blackout is a typo, not a plan

DateRange = tuple[date, date]


def parse_blackout(text: str) -> tuple[DateRange, ...]:
    """Inclusive (first, last) ranges; ValueError naming the bad item."""
    ranges: list[DateRange] = []
    for item in re.split(r"[,;\n]", text or ""):
        item = item.strip()
        if not item:
            continue
        first_text, sep, last_text = item.partition("..")
        try:
            first = date.fromisoformat(first_text.strip())
            last = date.fromisoformat(last_text.strip()) if sep else first
        except ValueError:
            raise ValueError(
                f"blackout date {item!r} must be YYYY-MM-DD or YYYY-MM-DD..YYYY-MM-DD"
            ) from None
        if last < first or (last - first).days > MAX_RANGE_DAYS:
            raise ValueError(f"blackout range {item!r} must run forwards, at most a year")
        ranges.append((first, last))
    return tuple(ranges)


def validate_blackout(text: str) -> None:
    """Model-field validator: the admin shows the parse error beside the field."""
    try:
        parse_blackout(text)
    except ValueError as exc:
        raise ValidationError(str(exc)) from None


@lru_cache(maxsize=64)
def _global_ranges(text: str) -> tuple[DateRange, ...]:
    return parse_blackout(text)


def is_blackout(day: date, extra: str = "") -> bool:
    """Is ``day`` a global (JENGU_BLACKOUT_DATES) or campaign (``extra``) blackout day?"""
    ranges = _global_ranges(settings.JENGU["BLACKOUT_DATES"]) + _global_ranges(extra)
    return any(first <= day <= last for first, last in ranges)


@lru_cache(maxsize=512)
def _country_year(code: str, year: int) -> holidays.HolidayBase | None:
    import holidays  # some 10 MB of calendars: loaded by the first holiday check, not at start

    try:
        return holidays.country_holidays(code, years=year)
    except NotImplementedError:  # a country the package does not cover: no holidays known
        return None


def holiday_name(country: str, day: date) -> str:
    """The public holiday's name on ``day`` in ``country`` (a name or ISO code); "" if none."""
    code = country_code(country) if country else ""
    if not code:
        return ""
    calendar = _country_year(code, day.year)
    return (calendar.get(day) or "") if calendar is not None else ""


def closed_reason(day: date, *, country: str = "", extra: str = "") -> str:
    """Why the recipient's local ``day`` is closed to sending ("" = it is open)."""
    if is_blackout(day, extra):
        return "blackout date"
    if settings.JENGU["SKIP_HOLIDAYS"]:
        name = holiday_name(country, day)
        if name:
            return f"public holiday in {country_code(country)} ({name})"
    return ""
