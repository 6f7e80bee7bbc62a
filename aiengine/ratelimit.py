"""The rate limiter as rows: per-provider minute and day windows, a daily dollar budget, backoff.

Every call goes reserve -> commit -> network call -> settle. ``reserve`` locks the provider's
window rows (and the budget row) with ``select_for_update``, refuses when the call would pass a
limit, and adds the estimate; ``settle`` swaps the estimate for the real usage and writes the
AIUsage row. Backoff lives in ProviderState rows so every worker on every machine sees it.

Rows are always locked in one global order (provider, window, start), by reserve and settle
alike, so two workers can never deadlock on each other's rows.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from aiengine.clients.base import parse_retry_after
from aiengine.limits import (  # noqa: F401  (re-exported: the limiter's public API)
    AI_DEFAULTS,
    VENDOR_DEFAULTS,
    VENDORS,
    Limits,
    budget_limit,
    limits_for,
    parse_limits,
)
from aiengine.models import AIUsage, ProviderState, ProviderWindow
from core.errors import LimitReached

log = logging.getLogger(__name__)

BUDGET = "budget"  # the provider name of the global daily dollar row
MINUTE = ProviderWindow.Window.MINUTE
DAY = ProviderWindow.Window.DAY
Outcome = AIUsage.Outcome
BACKOFF_FIRST = 30  # seconds; doubles on each 429 without a success in between
BACKOFF_MAX = 300
RETRY_AFTER_MAX = 3600  # a longer Retry-After is honoured up to an hour

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


def _relaxed_commit() -> None:
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


# --- reserve ------------------------------------------------------------------------------
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

    def add(self, *, requests: int, tokens: int, cost: Decimal) -> None:
        """Add to the provider's rows (requests, tokens) and the day rows (cost), in lock order."""
        for (name, window, _start), row_id in zip(self.window_keys(), self.row_ids, strict=True):
            mine = name == self.provider
            _bump(
                row_id,
                requests if mine else 0,
                tokens if mine else 0,
                cost if window == DAY and self.cost_usd is not None else Decimal(0),
            )


def _keys(provider: str, minute: datetime, day: datetime, budget: bool) -> list[Key]:
    keys = [(provider, MINUTE.value, minute), (provider, DAY.value, day)]
    if budget:
        keys.append((BUDGET, DAY.value, day))
    return sorted(keys)


def _select_locked(keys: list[Key]) -> dict[Key, ProviderWindow]:
    match = Q()
    for provider, window, start in keys:
        match |= Q(provider=provider, window=window, window_start=start)
    rows = (
        ProviderWindow.objects.select_for_update()
        .filter(match)
        .order_by("provider", "window", "window_start")
    )
    return {(row.provider, row.window, row.window_start): row for row in rows}


def _locked_windows(keys: list[Key]) -> dict[Key, ProviderWindow]:
    rows = _select_locked(keys)
    missing = [key for key in keys if key not in rows]
    if missing:
        # The first call of a minute creates its row; ON CONFLICT DO NOTHING lets racers agree.
        ProviderWindow.objects.bulk_create(
            [ProviderWindow(provider=p, window=w, window_start=s) for p, w, s in missing],
            ignore_conflicts=True,
        )
        rows = _select_locked(keys)
    return rows


def backoff_until(provider: str, now: datetime) -> datetime | None:
    return (
        ProviderState.objects.filter(provider=provider, backoff_until__gt=now)
        .values_list("backoff_until", flat=True)
        .first()
    )


def _refusal(
    rows: dict[Key, ProviderWindow], ask: Reservation, limits: Limits
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
    if ask.cost_usd is not None:
        spent = rows[(BUDGET, DAY.value, ask.day_start)].cost_usd
        if spent + ask.cost_usd > budget_limit():
            return "daily_budget", next_day
    return None


def reserve(
    provider: str,
    requests: int = 1,
    tokens: int = 0,
    *,
    cost_usd: Decimal | None = None,
    now: datetime | None = None,
) -> Reservation:
    """Hold capacity for one call, or raise RateLimited. ``cost_usd`` charges the AI budget."""
    now = now or timezone.now()
    if until := backoff_until(provider, now):
        raise RateLimited(provider, "backoff", until)
    minute, day = window_starts(now)
    ask = Reservation(provider, minute, day, requests, tokens, cost_usd)
    limits = limits_for(provider)
    with transaction.atomic():
        _relaxed_commit()
        rows = _locked_windows(ask.window_keys())
        if refused := _refusal(rows, ask, limits):
            raise RateLimited(provider, *refused)
        ask = replace(ask, row_ids=tuple(rows[key].pk for key in ask.window_keys()))
        ask.add(requests=requests, tokens=tokens, cost=cost_usd or Decimal(0))
    return ask


# --- settle -------------------------------------------------------------------------------
def settle(
    reservation: Reservation,
    *,
    tokens_in: int = 0,
    tokens_out: int = 0,
    cost_usd: Decimal = Decimal(0),
    outcome: str = Outcome.OK,
    model: str = "",
    purpose: str = "",
    error: str = "",
    latency_ms: int = 0,
) -> AIUsage:
    """Replace the reserved estimate with the real usage and record the call."""
    token_delta = tokens_in + tokens_out - reservation.tokens
    cost_delta = cost_usd - (reservation.cost_usd or Decimal(0))
    with transaction.atomic():
        _relaxed_commit()
        reservation.add(requests=0, tokens=token_delta, cost=cost_delta)
        _note_outcome(reservation.provider, outcome, error)
        return AIUsage.objects.create(
            provider=reservation.provider,
            model=model[:100],
            purpose=purpose[:32],
            tokens_in=tokens_in,
            tokens_out=tokens_out,
            cost_usd=cost_usd,
            latency_ms=max(0, latency_ms),
            outcome=outcome,
            error=error[:2000],
        )


def _note_outcome(provider: str, outcome: str, error: str) -> None:
    now = timezone.now()
    if outcome == Outcome.OK:
        # A success ends the doubling: the next 429 starts again at 30 s.
        fields: dict[str, Any] = {"last_success_at": now, "backoff_seconds": 0}
    elif outcome in (Outcome.ERROR, Outcome.TIMEOUT, Outcome.INVALID):
        fields = {"last_error": error[:2000], "last_error_at": now}
    else:
        return  # rate_limited: backoff_open wrote it
    if not ProviderState.objects.filter(provider=provider).update(**fields):
        ProviderState.objects.get_or_create(provider=provider, defaults=fields)


def record_refusal(
    provider: str, refusal: RateLimited, *, purpose: str = "", model: str = ""
) -> AIUsage:
    """A call the limiter stopped: no request was made, nothing was reserved."""
    return AIUsage.objects.create(
        provider=provider,
        model=model[:100],
        purpose=purpose[:32],
        outcome=Outcome.REFUSED,
        error=str(refusal)[:2000],
    )


# --- backoff ------------------------------------------------------------------------------
def backoff_open(
    provider: str,
    *,
    retry_after: float | None = None,
    error: str = "rate limited",
    now: datetime | None = None,
) -> datetime:
    """After a 429 / Retry-After: stop calling ``provider`` for 30 s, doubling up to 300 s.

    A longer Retry-After wins (up to an hour). Concurrent 429s of one episode double it once.
    """
    now = now or timezone.now()
    hint = timedelta(seconds=min(retry_after or 0, RETRY_AFTER_MAX))
    with transaction.atomic():
        state, _ = ProviderState.objects.select_for_update().get_or_create(provider=provider)
        if state.backoff_until and state.backoff_until > now:
            state.backoff_until = max(state.backoff_until, now + hint)
        else:
            previous = state.backoff_seconds
            state.backoff_seconds = min(previous * 2, BACKOFF_MAX) if previous else BACKOFF_FIRST
            state.backoff_until = now + max(timedelta(seconds=state.backoff_seconds), hint)
        state.last_error, state.last_error_at = error[:2000], now
        state.save()
    log.warning("%s backoff until %s", provider, state.backoff_until.isoformat())
    return state.backoff_until


# --- vendors ------------------------------------------------------------------------------
@dataclass
class VendorCall:
    """What the code inside ``vendor_call`` reports back (a 429 that did not raise, tokens)."""

    provider: str
    tokens: int = 0
    outcome: str = Outcome.OK
    error: str = ""
    retry_after: float | None = None

    def rate_limited(self, retry_after: float | None = None, error: str = "HTTP 429") -> None:
        self.outcome, self.retry_after, self.error = Outcome.RATE_LIMITED, retry_after, error

    def failed(self, error: str, *, timeout: bool = False) -> None:
        self.outcome, self.error = (Outcome.TIMEOUT if timeout else Outcome.ERROR), error


def _from_exception(call: VendorCall, exc: BaseException) -> None:
    response = getattr(exc, "response", None)
    status = getattr(response, "status_code", None)
    retry_after = parse_retry_after(getattr(response, "headers", None))
    message = f"{type(exc).__name__}: {exc}"[:2000]
    if status == 429 or (retry_after is not None and isinstance(status, int)):
        call.rate_limited(retry_after, message)
    else:
        call.failed(message, timeout=isinstance(exc, httpx.TimeoutException | TimeoutError))


@contextmanager
def vendor_call(provider: str, *, purpose: str = "", requests: int = 1) -> Iterator[VendorCall]:
    """``with vendor_call("hunter", purpose="find"):`` reserve, run the block, settle.

    Raises RateLimited before the block when a limit or a backoff stands; an
    ``httpx.HTTPStatusError`` 429 (or Retry-After) raised in the block opens a backoff.
    """
    try:
        reservation = reserve(provider, requests=requests)
    except RateLimited as refusal:
        record_refusal(provider, refusal, purpose=purpose)
        raise
    call = VendorCall(provider)
    started = time.monotonic()
    try:
        yield call
    except BaseException as exc:
        _from_exception(call, exc)
        raise
    finally:
        if call.outcome == Outcome.RATE_LIMITED:
            backoff_open(provider, retry_after=call.retry_after, error=call.error)
        settle(
            reservation,
            tokens_in=call.tokens,
            outcome=call.outcome,
            purpose=purpose,
            error=call.error,
            latency_ms=int((time.monotonic() - started) * 1000),
        )


# --- reading ------------------------------------------------------------------------------
def current_windows(now: datetime) -> dict[tuple[str, str], ProviderWindow]:
    """This minute's and today's rows of every provider, keyed (provider, window)."""
    minute, day = window_starts(now)
    rows = ProviderWindow.objects.filter(
        Q(window=MINUTE, window_start=minute) | Q(window=DAY, window_start=day)
    )
    return {(row.provider, row.window): row for row in rows}
