"""The warmup counter: schedule, overrides, reservations, inbox-local days, health factor."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import close_old_connections, connection, transaction
from django.utils import timezone

from inboxes.models import Inbox, InboxDay
from inboxes.services import (
    next_reset,
    warmup_consume,
    warmup_limit,
    warmup_release,
    warmup_reserve,
    warmup_week,
)
from tests.factories import InboxFactory

pytestmark = pytest.mark.django_db
START = date(2026, 3, 2)


def _reserve(inbox: Inbox, now: datetime | None = None) -> date | None:
    with transaction.atomic():
        return warmup_reserve(inbox=inbox, now=now or timezone.now())


def _fill(inbox: Inbox, now: datetime) -> int:
    """Reserve until the day is full; the number of slots it had left."""
    taken = 0
    while _reserve(inbox, now) is not None:
        taken += 1
        assert taken < 1000, "the day never filled up"
    return taken


@pytest.mark.parametrize(
    ("day", "week", "limit"),
    [
        (0, 1, 5),
        (6, 1, 5),
        (7, 2, 10),
        (13, 2, 10),
        (14, 3, 15),
        (21, 4, 18),
        (28, 5, 20),
        (200, 29, 20),
    ],
)
def test_seed_schedule_by_week(day: int, week: int, limit: int) -> None:
    inbox = InboxFactory(warmup_start=START)
    when = START + timedelta(days=day)
    assert warmup_week(inbox, when) == week
    assert warmup_limit(inbox, when) == limit


def test_warmup_schedule_setting_overrides_the_seed(settings: Any) -> None:
    settings.JENGU = {**settings.JENGU, "WARMUP_SCHEDULE": "2, 4"}
    inbox = InboxFactory(warmup_start=START)
    assert [warmup_limit(inbox, START + timedelta(days=d)) for d in (0, 6, 7, 60)] == [2, 2, 4, 4]


def test_inbox_schedule_overrides_the_setting(settings: Any) -> None:
    settings.JENGU = {**settings.JENGU, "WARMUP_SCHEDULE": "2,4"}
    own = InboxFactory(warmup_start=START, warmup_schedule="1,3,40")
    shared = InboxFactory(warmup_start=START)
    days = [START + timedelta(days=d) for d in (0, 7, 14, 99)]
    assert [warmup_limit(own, d) for d in days] == [1, 3, 40, 40]
    assert [warmup_limit(shared, d) for d in days] == [2, 4, 4, 4]


def test_zero_in_the_schedule_means_no_sending_that_week() -> None:
    inbox = InboxFactory(warmup_start=START, warmup_schedule="0,5")
    assert warmup_limit(inbox, START) == 0
    assert warmup_limit(inbox, START + timedelta(days=7)) == 5


def test_reservation_refuses_at_the_limit_and_release_gives_a_slot_back() -> None:
    inbox = InboxFactory(warmup_schedule="3")
    now = timezone.now()
    day = _reserve(inbox, now)
    assert day == now.date()
    assert [_reserve(inbox, now), _reserve(inbox, now)] == [day, day]
    assert _reserve(inbox, now) is None

    warmup_consume(inbox_id=inbox.pk, day=day)
    warmup_consume(inbox_id=inbox.pk, day=day, bounced=True)
    row = InboxDay.objects.get(inbox=inbox, date=day)
    assert (row.limit, row.reserved, row.sent, row.bounced, row.remaining) == (3, 1, 2, 1, 0)
    assert _reserve(inbox, now) is None  # sent slots stay used

    warmup_release(inbox_id=inbox.pk, day=day)
    assert _reserve(inbox, now) == day
    assert _reserve(inbox, now) is None
    row.refresh_from_db()
    assert (row.reserved, row.sent) == (1, 2)


def test_release_never_goes_below_zero() -> None:
    inbox = InboxFactory(warmup_schedule="2")
    day = _reserve(inbox)
    assert day is not None
    warmup_release(inbox_id=inbox.pk, day=day)
    warmup_release(inbox_id=inbox.pk, day=day)
    assert InboxDay.objects.get(inbox=inbox, date=day).reserved == 0


@pytest.mark.parametrize(
    ("zone", "last_minute", "midnight_utc"),
    [
        # 23:59 in Tokyo (UTC+9) on 2 March is 14:59 UTC
        (
            "Asia/Tokyo",
            datetime(2026, 3, 2, 14, 59, tzinfo=UTC),
            datetime(2026, 3, 2, 15, 0, tzinfo=UTC),
        ),
        # 23:59 in Los Angeles (UTC-8 in winter) on 14 January is 07:59 UTC on the 15th
        (
            "America/Los_Angeles",
            datetime(2026, 1, 15, 7, 59, tzinfo=UTC),
            datetime(2026, 1, 15, 8, 0, tzinfo=UTC),
        ),
    ],
)
def test_the_day_rolls_over_at_inbox_local_midnight(
    zone: str, last_minute: datetime, midnight_utc: datetime
) -> None:
    inbox = InboxFactory(timezone=zone, warmup_start=date(2026, 1, 1), warmup_schedule="2")
    utc_inbox = InboxFactory(timezone="UTC", warmup_start=date(2026, 1, 1), warmup_schedule="2")
    local_day = last_minute.astimezone(ZoneInfo(zone)).date()

    with time_machine.travel(last_minute, tick=False) as traveller:
        assert _fill(inbox, timezone.now()) == 2
        assert _fill(utc_inbox, timezone.now()) == 2
        assert next_reset(inbox, timezone.now()) == midnight_utc

        traveller.move_to(midnight_utc)
        assert _reserve(inbox) == local_day + timedelta(days=1)
        assert _reserve(utc_inbox) is None  # UTC's day has not ended yet

    assert InboxDay.objects.get(inbox=inbox, date=local_day).reserved == 2
    assert InboxDay.objects.get(inbox=inbox, date=local_day + timedelta(days=1)).reserved == 1


def test_next_reset_on_a_daylight_saving_day_is_23_hours_away() -> None:
    inbox = InboxFactory(timezone="America/Los_Angeles")
    # 8 March 2026: clocks go from 02:00 PST to 03:00 PDT, so that day has 23 hours
    just_after_midnight = datetime(2026, 3, 8, 8, 0, tzinfo=UTC)
    assert next_reset(inbox, just_after_midnight) == datetime(2026, 3, 9, 7, 0, tzinfo=UTC)


def test_warmup_start_is_set_to_the_local_day_of_the_first_reservation() -> None:
    inbox = InboxFactory(timezone="Asia/Tokyo", warmup_start=None, warmup_schedule="5,10")
    # 20:00 UTC on 2 March is already 3 March in Tokyo
    with time_machine.travel(datetime(2026, 3, 2, 20, 0, tzinfo=UTC), tick=False):
        assert _reserve(inbox) == date(2026, 3, 3)
    inbox.refresh_from_db()
    assert inbox.warmup_start == date(2026, 3, 3)

    with time_machine.travel(datetime(2026, 3, 12, 20, 0, tzinfo=UTC), tick=False):
        assert _reserve(inbox) == date(2026, 3, 13)
        assert InboxDay.objects.get(inbox=inbox, date=date(2026, 3, 13)).limit == 10
    inbox.refresh_from_db()
    assert inbox.warmup_start == date(2026, 3, 3)


def test_a_start_set_by_the_operator_is_kept() -> None:
    inbox = InboxFactory(warmup_start=date(2026, 2, 1), warmup_schedule="5,10")
    with time_machine.travel(datetime(2026, 3, 2, 12, 0, tzinfo=UTC), tick=False):
        _reserve(inbox)
    inbox.refresh_from_db()
    assert inbox.warmup_start == date(2026, 2, 1)


# The health factor (inboxes.services.warmup docstring), with the default BOUNCE_PAUSE_RATE 5%
# and BOUNCE_MIN_SAMPLE 20: half the limit from a 2.5% bounce rate or while the circuit is
# half-open; three quarters from 1.5%; the full limit below that or with fewer than 20 sends;
# never below 1.
@pytest.mark.parametrize(
    ("bounce_rate", "sample", "circuit", "limit"),
    [
        (0.0, 100, "closed", 20),
        (0.014, 100, "closed", 20),
        (0.015, 100, "closed", 15),
        (0.024, 100, "closed", 15),
        (0.025, 100, "closed", 10),
        (0.049, 100, "closed", 10),
        (0.30, 19, "closed", 20),  # below the minimum sample the rate says nothing yet
        (0.0, 0, "half_open", 10),
    ],
)
def test_health_factor_lowers_the_limit(
    bounce_rate: float, sample: int, circuit: str, limit: int
) -> None:
    inbox = InboxFactory(
        warmup_schedule="20", bounce_rate=bounce_rate, bounce_sample=sample, circuit=circuit
    )
    assert warmup_limit(inbox, START) == limit
    assert _fill(inbox, timezone.now()) == limit


def test_health_factor_never_takes_the_limit_below_one() -> None:
    inbox = InboxFactory(warmup_schedule="1", circuit=Inbox.Circuit.HALF_OPEN)
    assert warmup_limit(inbox, START) == 1


def test_a_lower_limit_applies_to_a_day_already_started() -> None:
    inbox = InboxFactory(warmup_schedule="20")
    now = timezone.now()
    for _ in range(8):
        _reserve(inbox, now)
    Inbox.objects.filter(pk=inbox.pk).update(bounce_rate=0.04, bounce_sample=50)
    inbox.refresh_from_db()

    assert _fill(inbox, now) == 2  # the limit is now 10, of which 8 are taken
    assert InboxDay.objects.get(inbox=inbox, date=now.date()).limit == 10


# --- PostgreSQL: many workers, one counter --------------------------------------------------
def _worker(
    inbox_ids: list[int], now: datetime, barrier: threading.Barrier, won: list[int]
) -> None:
    try:
        inboxes = list(Inbox.objects.filter(pk__in=inbox_ids))
        barrier.wait()
        for n in range(ATTEMPTS):
            inbox = inboxes[n % len(inboxes)]
            with transaction.atomic():
                if warmup_reserve(inbox=inbox, now=now) is not None:
                    won.append(inbox.pk)  # list.append is atomic
    except Exception:
        won.append(-1)  # the test sees it; an exception in a thread is only printed
        raise
    finally:
        connection.close()
        close_old_connections()


ATTEMPTS = 12  # per thread: 16 threads make 192 attempts for 60 slots


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_reservations_never_exceed_the_limit() -> None:
    first = InboxFactory(warmup_schedule="37", warmup_start=None)
    second = InboxFactory(warmup_schedule="23")
    now, threads = timezone.now(), 16
    barrier, won = threading.Barrier(threads), []
    workers = [
        threading.Thread(target=_worker, args=([first.pk, second.pk], now, barrier, won))
        for _ in range(threads)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)

    assert not any(w.is_alive() for w in workers)
    assert -1 not in won, "a worker failed"
    assert (won.count(first.pk), won.count(second.pk)) == (37, 23)
    rows = {r.inbox_id: r for r in InboxDay.objects.filter(date=now.date())}
    assert (rows[first.pk].reserved, rows[first.pk].limit) == (37, 37)
    assert (rows[second.pk].reserved, rows[second.pk].limit) == (23, 23)
    first.refresh_from_db()
    assert first.warmup_start == now.date()


def _first_of_the_day(inbox_id: int, now: datetime, barrier: threading.Barrier, won: list) -> None:
    try:
        inbox = Inbox.objects.get(pk=inbox_id)
        barrier.wait()
        with transaction.atomic():
            won.append(warmup_reserve(inbox=inbox, now=now))
    except Exception:
        won.append(-1)
        raise
    finally:
        connection.close()
        close_old_connections()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_racing_first_reservations_of_the_day_are_all_granted() -> None:
    # Nobody has reserved today yet, so every worker finds no row; the limit has room for all.
    inbox = InboxFactory(warmup_schedule="50")
    now, threads = timezone.now(), 12
    barrier, won = threading.Barrier(threads), []
    workers = [
        threading.Thread(target=_first_of_the_day, args=(inbox.pk, now, barrier, won))
        for _ in range(threads)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)

    assert won == [now.date()] * threads
    assert InboxDay.objects.get(inbox=inbox, date=now.date()).reserved == threads
