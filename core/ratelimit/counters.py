"""Per-provider minute and day windows as rows, reserved under ``select_for_update``.

Every call goes reserve -> commit -> network call -> settle (``core.ratelimit.calls``).
``reserve`` locks the provider's window rows (and the shared ``budget`` day row when the call
costs money), refuses when the call would pass a limit, and adds the estimate.

On PostgreSQL ``reserve`` is first tried as one statement (``core.ratelimit.single``).

Rows are always locked in one global order (provider, window, start), by reserve and settle
alike, so two workers can never deadlock on each other's rows.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from core.errors import LimitReached
from core.models import ProviderWindow
from core.ratelimit import single
from core.ratelimit.backoff import backoff_until
from core.ratelimit.limits import Limits

BUDGET = "budget"  # the provider name of the global daily dollar row
MINUTE = ProviderWindow.Window.MINUTE
DAY = ProviderWindow.Window.DAY

Key = tuple[str, str, datetime]


class RateLimited(LimitReached):
    """The call was not made: a limit, the budget or a backoff stands in the way."""

    code = "rate_limited"

    def __init__(self, provider: str, reason: str, retry_at: datetime) -> None:
        super().__init__(
            f"{provider}: {reason.replace('_', ' ')} (retry after {retry_at:%H:%M:%S} UTC)"
        )
        self.provider = provider
        self.reason = reason  # backoff | requests_per_minute | tokens_per_minute | ...
        self.retry_at = retry_at


def window_starts(now: datetime) -> tuple[datetime, datetime]:
    """(minute, day) starts in UTC: the budget's day and the providers' days are UTC days."""
    minute = now.astimezone(UTC).replace(second=0, microsecond=0)
    return minute, minute.replace(hour=0, minute=0)


def relaxed_commit() -> None:
    """In our own outermost transaction on PostgreSQL: commit without waiting for the WAL flush.

    A crash may lose the last few counter updates (never corrupt them), and reserve and settle
    stop waiting for an fsync each. Never inside a caller's transaction: that may be the ledger.
    """
    if connection.vendor == "postgresql" and len(connection.atomic_blocks) == 1:
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")


# Plain SQL: this runs twice per call, and the ORM's update builders cost more than the query.
_BUMP = (
    f"UPDATE {ProviderWindow._meta.db_table} SET requests = requests + %s, "  # noqa: S608
    "tokens = CASE WHEN tokens + %s < 0 THEN 0 ELSE tokens + %s END, "
    "cost_usd = cost_usd + %s WHERE id = %s"
)


def _bump(row_id: int, requests: int, tokens: int, cost: Decimal) -> None:
    if requests or tokens or cost:
        with connection.cursor() as cursor:
            cursor.execute(_BUMP, [requests, tokens, tokens, cost, row_id])


Delta = tuple[int, int, int, Decimal]  # row id, requests, tokens, cost


def _bump_all(deltas: list[Delta], *, locked: bool) -> None:
    """All rows in one UPDATE. ``locked``: this transaction holds them already. Otherwise, on
    PostgreSQL, a sub-select locks them first in the global order (an UPDATE over several rows
    locks them in whatever order its plan meets them); SQLite, one writer at a time, has no
    such order to keep but no FOR UPDATE either: there, row by row."""
    deltas = [d for d in deltas if d[1] or d[2] or d[3]]
    if len(deltas) < 2 or not (locked or connection.vendor == "postgresql"):
        for delta in deltas:
            _bump(*delta)
        return
    table, ids = ProviderWindow._meta.db_table, [d[0] for d in deltas]
    case = "CASE id " + " ".join("WHEN %s THEN %s" for _ in deltas) + " ELSE 0 END"
    listed = ", ".join("%s" for _ in ids)

    def column(i: int) -> list[int | Decimal]:
        return [v for d in deltas for v in (d[0], d[i])]

    where = f"id IN ({listed})"
    if not locked:
        where += (  # the plain IN as well: an index scan, whatever the table's size
            f" AND id IN (SELECT id FROM {table} WHERE id IN ({listed}) "  # noqa: S608
            'ORDER BY provider, "window", window_start FOR UPDATE)'
        )
    sql = (
        f"UPDATE {table} SET requests = requests + {case}, "  # noqa: S608
        f"tokens = CASE WHEN tokens + {case} < 0 THEN 0 ELSE tokens + {case} END, "
        f"cost_usd = cost_usd + {case} WHERE {where}"
    )
    params = column(1) + column(2) + column(2) + column(3) + list(ids)
    if not locked:
        params += list(ids)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@dataclass(frozen=True)
class Reservation:
    provider: str
    minute_start: datetime
    day_start: datetime
    requests: int
    tokens: int
    cost_usd: Decimal | None  # None: not charged to the daily budget (vendors)
    row_ids: tuple[int, ...] = ()  # the ProviderWindow rows, in window_keys() order

    def window_keys(self) -> list[Key]:
        return _keys(self.provider, self.minute_start, self.day_start, self.cost_usd is not None)

    def add(self, *, requests: int, tokens: int, cost: Decimal, locked: bool = False) -> None:
        """Add to the provider's rows (requests, tokens) and the day rows (cost), in lock order.

        One statement; ``locked``: this transaction holds the rows already.
        """
        _bump_all(self.deltas(requests=requests, tokens=tokens, cost=cost), locked=locked)

    def deltas(self, *, requests: int, tokens: int, cost: Decimal) -> list[Delta]:
        """What ``add`` adds to each of the rows."""
        deltas: list[Delta] = []
        for (name, window, _start), row_id in zip(self.window_keys(), self.row_ids, strict=True):
            mine = name == self.provider
            deltas.append(
                (
                    row_id,
                    requests if mine else 0,
                    tokens if mine else 0,
                    cost if window == DAY and self.cost_usd is not None else Decimal(0),
                )
            )
        return deltas


def _keys(provider: str, minute: datetime, day: datetime, budget: bool) -> list[Key]:
    keys = [(provider, MINUTE.value, minute), (provider, DAY.value, day)]
    if budget:
        keys.append((BUDGET, DAY.value, day))
    return sorted(keys)


def _matching(keys: list[Key]) -> Q:
    match = Q()
    for provider, window, start in keys:
        match |= Q(provider=provider, window=window, window_start=start)
    return match


def _locked_windows(keys: list[Key]) -> dict[Key, ProviderWindow]:
    existing = ProviderWindow.objects.filter(_matching(keys))
    found = set(existing.values_list("provider", "window", "window_start"))
    if missing := [key for key in keys if key not in found]:
        # The first call of a minute creates its row; ON CONFLICT DO NOTHING lets racers agree.
        # Created before any row is locked, in key order: an insert that waits for another
        # worker's insert of the same row must not hold a row that worker waits for.
        ProviderWindow.objects.bulk_create(
            [ProviderWindow(provider=p, window=w, window_start=s) for p, w, s in missing],
            ignore_conflicts=True,
        )
    rows = existing.select_for_update().order_by("provider", "window", "window_start")
    return {(row.provider, row.window, row.window_start): row for row in rows}


def _refusal(
    rows: dict[Key, ProviderWindow], ask: Reservation, limits: Limits, budget_usd: Decimal | None
) -> tuple[str, datetime] | None:
    minute = rows[(ask.provider, MINUTE.value, ask.minute_start)]
    day = rows[(ask.provider, DAY.value, ask.day_start)]
    next_minute = ask.minute_start + timedelta(minutes=1)
    next_day = ask.day_start + timedelta(days=1)
    checks = [
        ("requests_per_minute", minute.requests + ask.requests, limits.rpm, next_minute),
        ("tokens_per_minute", minute.tokens + ask.tokens, limits.tpm, next_minute),
        ("requests_per_day", day.requests + ask.requests, limits.rpd, next_day),
        ("tokens_per_day", day.tokens + ask.tokens, limits.tpd, next_day),
    ]
    for reason, wanted, limit, retry_at in checks:
        if limit is not None and wanted > limit:
            return reason, retry_at
    if ask.cost_usd is not None and budget_usd is not None:
        spent = rows[(BUDGET, DAY.value, ask.day_start)].cost_usd
        if spent + ask.cost_usd > budget_usd:
            return "daily_budget", next_day
    return None


def reserve(
    provider: str,
    *,
    limits: Limits,
    requests: int = 1,
    tokens: int = 0,
    cost_usd: Decimal | None = None,
    budget_usd: Decimal | None = None,
    now: datetime | None = None,
) -> Reservation:
    """Hold capacity for one call within ``limits``, or raise RateLimited.

    ``cost_usd`` is also charged to the day's shared ``budget`` row, refused past ``budget_usd``.
    """
    now = now or timezone.now()
    minute, day = window_starts(now)
    ask = Reservation(provider, minute, day, requests, tokens, cost_usd)
    if single.available() and (held := single.reserve_in_one(ask, limits, budget_usd, now)):
        return held  # the common case; otherwise the rows are created or the refusal explained
    if until := backoff_until(provider, now):
        raise RateLimited(provider, "backoff", until)
    with transaction.atomic():
        relaxed_commit()
        rows = _locked_windows(ask.window_keys())
        if refused := _refusal(rows, ask, limits, budget_usd):
            raise RateLimited(provider, *refused)
        ask = replace(ask, row_ids=tuple(rows[key].pk for key in ask.window_keys()))
        ask.add(requests=requests, tokens=tokens, cost=cost_usd or Decimal(0), locked=True)
    return ask


def current_windows(now: datetime) -> dict[tuple[str, str], ProviderWindow]:
    """This minute's and today's rows of every provider, keyed (provider, window)."""
    minute, day = window_starts(now)
    rows = ProviderWindow.objects.filter(
        Q(window=MINUTE, window_start=minute) | Q(window=DAY, window_start=day)
    )
    return {(row.provider, row.window): row for row in rows}
