"""The send policy: business-hours windows in the recipient's timezone, gaps, backoff.

JENGU_SEND_HOURS = "HH-HH" (end exclusive; "0-24" all day), JENGU_SEND_DAYS = "mon-fri" or
"mon,tue,sat", JENGU_SEND_GAP_SECONDS = "MIN-MAX" (or "0"). Public holidays in the recipient's
country (JENGU_SKIP_HOLIDAYS) and blackout days (JENGU_BLACKOUT_DATES, Campaign.blackout_dates)
close a whole local day (outreach.blackout).
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings

from outreach.blackout import MAX_RANGE_DAYS, closed_reason
from prospects.geo import timezone_for
from prospects.models import Prospect

DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
BACKOFF_BASE = timedelta(minutes=5)
BACKOFF_MAX = timedelta(hours=6)
SENDER_PROBLEM_WAIT = timedelta(hours=6)


def parse_hours(text: str) -> tuple[int, int]:
    start, _, end = text.strip().partition("-")
    hours = (int(start), int(end))
    if not (0 <= hours[0] < hours[1] <= 24):
        raise ValueError(f"JENGU_SEND_HOURS {text!r} must be HH-HH with 0 <= start < end <= 24")
    return hours


def parse_days(text: str) -> set[int]:
    text = text.strip().lower()
    if "-" in text:
        first, _, last = text.partition("-")
        a, b = DAYS.index(first), DAYS.index(last)
        return {d % 7 for d in range(a, b + 1 if b >= a else b + 8)}
    return {DAYS.index(part.strip()) for part in text.split(",") if part.strip()}


def parse_gap(text: str) -> tuple[float, float]:
    text = text.strip()
    if text in ("", "0"):
        return (0.0, 0.0)
    low, _, high = text.partition("-")
    return (float(low), float(high or low))


def random_gap() -> timedelta:
    low, high = parse_gap(settings.JENGU["SEND_GAP_SECONDS"])
    return timedelta(seconds=random.uniform(low, high))


def recipient_zone(prospect: Prospect, fallback: str = "UTC") -> ZoneInfo:
    name = timezone_for(
        prospect.country, prospect.city, override=prospect.timezone, fallback=fallback
    )
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(fallback)


def _hours_and_days(local: datetime) -> bool:
    start, end = parse_hours(settings.JENGU["SEND_HOURS"])
    return local.weekday() in parse_days(settings.JENGU["SEND_DAYS"]) and start <= local.hour < end


def in_window(zone: ZoneInfo, now: datetime, *, country: str = "", blackout: str = "") -> bool:
    """Business hours on a send day that is neither a public holiday in the recipient's
    ``country`` nor a blackout day (global, or the campaign's ``blackout``), all judged on the
    recipient's local date."""
    return not wait_reason(zone, now, country=country, blackout=blackout)


def wait_reason(zone: ZoneInfo, now: datetime, *, country: str = "", blackout: str = "") -> str:
    """Why an email to this recipient may not go at ``now`` ("" = it may)."""
    local = now.astimezone(zone)
    closed = closed_reason(local.date(), country=country, extra=blackout)
    if closed:
        return closed
    if not _hours_and_days(local):
        return "outside the recipient's send window (business hours)"
    return ""


def next_window_start(
    zone: ZoneInfo, now: datetime, *, country: str = "", blackout: str = ""
) -> datetime:
    """The first moment at or after ``now`` inside the window (for forecasts and scheduling)."""
    if in_window(zone, now, country=country, blackout=blackout):
        return now
    start, _ = parse_hours(settings.JENGU["SEND_HOURS"])
    days = parse_days(settings.JENGU["SEND_DAYS"])
    local = now.astimezone(zone)
    # A blackout range may last up to a year, holidays included: look that far, then give up.
    for offset in range(0, MAX_RANGE_DAYS + 15):
        day = (local + timedelta(days=offset)).date()
        candidate = datetime(day.year, day.month, day.day, start, tzinfo=zone)
        if (
            candidate >= local
            and day.weekday() in days
            and not closed_reason(day, country=country, extra=blackout)
        ):
            return candidate
    return now


def retry_backoff(attempts: int) -> timedelta:
    """Exponential (5 min, 10, 20, ... capped at 6 h) with +-20% jitter."""
    base = min(BACKOFF_BASE * (2 ** max(0, attempts - 1)), BACKOFF_MAX)
    return base * random.uniform(0.8, 1.2)
