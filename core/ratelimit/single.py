"""Reserve and settle in one statement each, on PostgreSQL.

The general path (``counters.reserve``, ``calls.settle``) takes a transaction and four to six
round trips per call; on an AI call of a few milliseconds that is most of the cost. Here each
is one statement, so one round trip and one commit (without waiting for the WAL flush when it
is our own transaction, as ``relaxed_commit``):

- ``reserve_in_one``: lock the call's window rows in the global order (provider, window,
  start), check every limit, the budget and the provider's backoff, and add the estimate, all
  or nothing. It answers None when the call did not go through (a row of this minute not created
  yet, a limit or a backoff in the way): the general path then creates the rows or says which
  limit refused, with the same rules.
- ``settle_in_one``: the correction of the estimate (rows locked in the same order), the
  provider's last success or error, and the call's record row. The state row is written only
  after the window rows (its CTE reads the bump's result), so two settles and a reserve always
  take their locks in one order and cannot deadlock.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import connection

from core.models import ProviderState, ProviderWindow
from core.ratelimit.backoff import Outcome
from core.ratelimit.limits import Limits

if TYPE_CHECKING:
    from core.ratelimit.calls import CallRecord

WINDOWS = ProviderWindow._meta.db_table
STATES = ProviderState._meta.db_table
_ORDER = 'ORDER BY provider, "window", window_start FOR UPDATE'


@dataclass(frozen=True)
class RecordRow:
    """A call's record as one row to insert, and how to give it back once it has an id."""

    table: str
    values: dict[str, Any]  # column -> value
    built: Callable[[int], Any]


RowWriter = Callable[[Any], RecordRow]  # CallRecord -> RecordRow


def available() -> bool:
    return connection.vendor == "postgresql"


def _relaxed() -> str:
    """A condition that turns off the wait for the WAL flush, when the statement is its own
    transaction (never inside a caller's: that may be the ledger)."""
    if connection.in_atomic_block:
        return "TRUE"
    return "set_config('synchronous_commit', 'off', true) IS NOT NULL"


def _limit_checks(ask: Any, limits: Limits, budget_usd: Decimal | None) -> tuple[str, list[Any]]:
    """One boolean per locked row: does this call fit in it?"""

    def fits(pairs: list[tuple[str, int | None, int]]) -> tuple[str, list[Any]]:
        kept = [(column, limit, add) for column, limit, add in pairs if limit is not None]
        sql = " AND ".join(f"{column} + %s <= %s" for column, _limit, _add in kept) or "TRUE"
        return sql, [v for _column, limit, add in kept for v in (add, limit)]

    minute, minute_params = fits(
        [("requests", limits.rpm, ask.requests), ("tokens", limits.tpm, ask.tokens)]
    )
    day, day_params = fits(
        [("requests", limits.rpd, ask.requests), ("tokens", limits.tpd, ask.tokens)]
    )
    budget, budget_params = "TRUE", []
    if ask.cost_usd is not None and budget_usd is not None:
        budget, budget_params = "cost_usd + %s <= %s", [ask.cost_usd, budget_usd]
    sql = (
        f"CASE WHEN provider = %s AND \"window\" = 'minute' THEN {minute} "
        f"WHEN provider = %s THEN {day} ELSE {budget} END"
    )
    return sql, [ask.provider, *minute_params, ask.provider, *day_params, *budget_params]


def reserve_in_one(
    ask: Any, limits: Limits, budget_usd: Decimal | None, now: datetime
) -> Any | None:
    """``ask`` (a ``Reservation``) held, with its row ids; None: take the general path."""
    keys = ask.window_keys()
    checks, check_params = _limit_checks(ask, limits, budget_usd)
    cost = ask.cost_usd if ask.cost_usd is not None else Decimal(0)
    listed = ", ".join("(%s, %s, %s)" for _ in keys)
    sql = (
        f'WITH locked AS (SELECT id, provider, "window", requests, tokens, cost_usd '  # noqa: S608
        f'FROM {WINDOWS} WHERE (provider, "window", window_start) IN ({listed}) '
        # Nothing is locked unless every row exists: the general path creates the missing ones,
        # and must not wait on another worker's insert while holding a row that worker wants.
        f'AND (SELECT count(*) FROM {WINDOWS} WHERE (provider, "window", window_start) '
        f"IN ({listed})) = %s {_ORDER}), "
        f"verdict AS (SELECT count(*) = %s AND coalesce(bool_and({checks}), FALSE) "
        f"AND NOT EXISTS (SELECT 1 FROM {STATES} WHERE provider = %s AND backoff_until > %s) "
        "AS ok FROM locked) "
        f"UPDATE {WINDOWS} AS w SET "
        "requests = w.requests + CASE WHEN w.provider = %s THEN %s ELSE 0 END, "
        "tokens = w.tokens + CASE WHEN w.provider = %s THEN %s ELSE 0 END, "
        "cost_usd = w.cost_usd + CASE WHEN w.\"window\" = 'day' THEN %s ELSE 0 END "
        f"FROM verdict WHERE verdict.ok AND {_relaxed()} "
        'AND w.id IN (SELECT id FROM locked) RETURNING w.id, w.provider, w."window", '
        "w.window_start"
    )
    params = [v for key in keys for v in key] * 2
    params += [len(keys), len(keys), *check_params, ask.provider, now]
    params += [ask.provider, ask.requests, ask.provider, ask.tokens, cost]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = {(p, w, start): pk for pk, p, w, start in cursor.fetchall()}
    if len(rows) != len(keys):
        return None
    return replace(ask, row_ids=tuple(rows[key] for key in keys))


def _bump_cte(deltas: list[tuple[int, int, int, Decimal]]) -> tuple[str, list[Any]]:
    ids = [d[0] for d in deltas]
    case = "CASE id " + " ".join("WHEN %s THEN %s" for _ in deltas) + " ELSE 0 END"

    def column(i: int) -> list[Any]:
        return [v for d in deltas for v in (d[0], d[i])]

    listed = ", ".join("%s" for _ in ids)
    sql = (
        f"locked AS (SELECT id FROM {WINDOWS} WHERE id IN ({listed}) {_ORDER}), "  # noqa: S608
        f"bump AS (UPDATE {WINDOWS} SET requests = requests + {case}, "
        f"tokens = CASE WHEN tokens + {case} < 0 THEN 0 ELSE tokens + {case} END, "
        f"cost_usd = cost_usd + {case} WHERE id IN (SELECT id FROM locked) RETURNING id)"
    )
    return sql, [*ids, *column(1), *column(2), *column(2), *column(3)]


def _state_cte(call: CallRecord, now: datetime, after: str) -> tuple[str, list[Any]]:
    """``note_outcome`` as an upsert; "" when the outcome leaves the state alone."""
    if call.outcome == Outcome.OK:
        values, update = (
            "0, '', NULL::timestamptz, %s::timestamptz",
            ("last_success_at = EXCLUDED.last_success_at, backoff_seconds = 0"),
        )
        params: list[Any] = [now]
    elif call.outcome in (Outcome.ERROR, Outcome.TIMEOUT, Outcome.INVALID):
        values, update = (
            "0, %s, %s::timestamptz, NULL::timestamptz",
            ("last_error = EXCLUDED.last_error, last_error_at = EXCLUDED.last_error_at"),
        )
        params = [call.error[:2000], now]
    else:
        return "", []
    source = f"(SELECT count(*) FROM {after}) AS done" if after else "(SELECT 1) AS done"  # noqa: S608
    sql = (
        f"state AS (INSERT INTO {STATES} (provider, backoff_until, backoff_seconds, "  # noqa: S608
        f"last_error, last_error_at, last_success_at) SELECT %s, NULL::timestamptz, {values} "
        f"FROM {source} ON CONFLICT (provider) DO UPDATE SET {update} RETURNING id)"
    )
    return sql, [call.provider, *params]


def settle_in_one(
    deltas: list[tuple[int, int, int, Decimal]], call: CallRecord, record: RecordRow, now: datetime
) -> Any:
    """Correct the counters, note the outcome and insert the record: one statement."""
    ctes: list[str] = []
    params: list[Any] = []
    deltas = [d for d in deltas if d[1] or d[2] or d[3]]
    if deltas:
        sql, more = _bump_cte(deltas)
        ctes.append(sql)
        params += more
    state, more = _state_cte(call, now, "bump" if deltas else "")
    if state:
        ctes.append(state)
        params += more
    columns = ", ".join(connection.ops.quote_name(name) for name in record.values)
    holes = ", ".join("%s" for _ in record.values)
    insert = (
        f"INSERT INTO {record.table} ({columns}) SELECT {holes} WHERE {_relaxed()} RETURNING id"
    )
    sql = f"WITH {', '.join(ctes)} {insert}" if ctes else insert
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *record.values.values()])
        (pk,) = cursor.fetchone()
    return record.built(pk)
