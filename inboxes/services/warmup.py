"""The WarmupCounter: per-inbox, per-local-day send slots reserved under a row lock.

Limit rule (documented in the README):
  base  = schedule[week - 1] (the last entry from then on); week 1 starts at ``warmup_start``
          (set to the inbox-local date of its first send when the operator set none);
  health factor: the limit is halved while the rolling bounce rate is at or above half the pause
          threshold (2.5% by default, with the minimum sample), or while the circuit is
          half-open; it is cut to three quarters at 1.5% and above; never below 1.
"""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection
from django.db.models import F

from inboxes.models import Inbox, InboxDay


def parse_schedule(text: str) -> list[int]:
    parts = [part for part in text.replace(" ", "").split(",") if part]
    if not parts or not all(part.isdigit() for part in parts):
        raise ValueError(f"warmup schedule {text!r} must be a comma-separated list of counts")
    return [int(part) for part in parts]


def schedule_for(inbox: Inbox) -> list[int]:
    return parse_schedule(inbox.warmup_schedule or settings.JENGU["WARMUP_SCHEDULE"])


def local_date(inbox: Inbox, now: datetime) -> date:
    return now.astimezone(ZoneInfo(inbox.timezone or "UTC")).date()


def next_reset(inbox: Inbox, now: datetime) -> datetime:
    """The next inbox-local midnight, as an aware datetime."""
    zone = ZoneInfo(inbox.timezone or "UTC")
    tomorrow = now.astimezone(zone).date() + timedelta(days=1)
    return datetime(tomorrow.year, tomorrow.month, tomorrow.day, tzinfo=zone)


def warmup_week(inbox: Inbox, day: date) -> int:
    start = inbox.warmup_start or day
    return max(0, (day - start).days) // 7 + 1


def health_factor(inbox: Inbox) -> float:
    pause_rate = settings.JENGU["BOUNCE_PAUSE_RATE"]
    enough = inbox.bounce_sample >= settings.JENGU["BOUNCE_MIN_SAMPLE"]
    if inbox.circuit == Inbox.Circuit.HALF_OPEN or (enough and inbox.bounce_rate >= pause_rate / 2):
        return 0.5
    if enough and inbox.bounce_rate >= pause_rate * 0.3:
        return 0.75
    return 1.0


def warmup_limit(inbox: Inbox, day: date) -> int:
    schedule = schedule_for(inbox)
    base = schedule[min(warmup_week(inbox, day), len(schedule)) - 1]
    if base == 0:
        return 0
    return max(1, math.floor(base * health_factor(inbox)))


# Plain SQL: this runs once per send, and the ORM's update builder costs more than the query.
_TAKE = (
    f'UPDATE {InboxDay._meta.db_table} SET "limit" = %s, reserved = reserved + 1 '  # noqa: S608
    "WHERE inbox_id = %s AND date = %s AND reserved + sent < %s"
)


def _take_slot(inbox: Inbox, day: date, limit: int) -> bool:
    """One statement: store today's limit and take a slot when one is left.

    The row lock of the UPDATE itself serialises concurrent reservations (PostgreSQL re-checks
    the WHERE on the row a concurrent one just committed): no read-then-write round trip.
    """
    with connection.cursor() as cursor:
        cursor.execute(_TAKE, [limit, inbox.pk, day, limit])
        return cursor.rowcount == 1


def warmup_reserve(*, inbox: Inbox, now: datetime) -> date | None:
    """Take one slot of today's limit: one UPDATE on a day already started.

    Safe on its own; the claim calls it inside its transaction so that the slot and the claim
    commit (or roll back) together.

    Returns the inbox-local day the slot belongs to, or None when the day is full.
    """
    day = local_date(inbox, now)
    limit = warmup_limit(inbox, day)
    if not _take_slot(inbox, day, limit):
        # Full, or the day's first reservation (no row yet). ON CONFLICT DO NOTHING lets two
        # first reservations agree on one row (the second waits for the first to commit);
        # then the slot is tried again, so a racing first reservation is never refused.
        InboxDay.objects.bulk_create(
            [InboxDay(inbox=inbox, date=day, limit=limit)], ignore_conflicts=True
        )
        if not _take_slot(inbox, day, limit):
            InboxDay.objects.filter(inbox=inbox, date=day).update(limit=limit)
            return None  # the day is full; its row shows the limit that refused
    if inbox.warmup_start is None:
        Inbox.objects.filter(pk=inbox.pk, warmup_start__isnull=True).update(warmup_start=day)
        inbox.warmup_start = day
    return day


def warmup_release(*, inbox_id: int, day: date) -> None:
    """Give a slot back: the server never accepted the message and it will be tried later."""
    InboxDay.objects.filter(inbox_id=inbox_id, date=day, reserved__gt=0).update(
        reserved=F("reserved") - 1
    )


def warmup_consume(*, inbox_id: int, day: date, bounced: bool = False) -> None:
    """Turn a reservation into a used slot (accepted, or rejected as a bounce)."""
    InboxDay.objects.filter(inbox_id=inbox_id, date=day, reserved__gt=0).update(
        reserved=F("reserved") - 1, sent=F("sent") + 1, bounced=F("bounced") + (1 if bounced else 0)
    )


def remaining_today(inbox: Inbox, now: datetime) -> int:
    day = local_date(inbox, now)
    row = InboxDay.objects.filter(inbox=inbox, date=day).first()
    used = (row.reserved + row.sent) if row else 0
    return max(0, warmup_limit(inbox, day) - used)
