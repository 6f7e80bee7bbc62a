"""The AI side of the rate limiter: LLM limits and the daily dollar budget on core's counters,
and the AIUsage row that records every call (AI and vendor alike).

Every call goes reserve -> commit -> network call -> settle. ``reserve`` holds the provider's
minute and day capacity and, for a priced call, the budget; ``settle`` swaps the estimate for
the real usage and writes the AIUsage row in the same transaction. The counters, backoff and
``vendor_call`` themselves are in ``core.ratelimit``.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.utils import timezone

from aiengine.limits import AI_DEFAULTS, budget_limit, limits_for
from aiengine.models import AIUsage
from core import ratelimit as counters
from core.ratelimit import (  # re-exported: the limiter's API as aiengine's callers use it
    BUDGET,
    DAY,
    MINUTE,
    VENDOR_DEFAULTS,
    VENDORS,
    CallRecord,
    Limits,
    RateLimited,
    Reservation,
    backoff_open,
    backoff_until,
    current_windows,
    parse_limits,
    record_refusal,
    window_starts,
)
from core.ratelimit.single import RecordRow

__all__ = [
    "AI_DEFAULTS",
    "BUDGET",
    "DAY",
    "MINUTE",
    "VENDORS",
    "VENDOR_DEFAULTS",
    "Limits",
    "RateLimited",
    "Reservation",
    "backoff_open",
    "backoff_until",
    "budget_limit",
    "current_windows",
    "limits_for",
    "parse_limits",
    "record_refusal",
    "record_usage",
    "reserve",
    "settle",
    "usage_row",
    "window_starts",
]


Outcome = AIUsage.Outcome


def reserve(
    provider: str,
    requests: int = 1,
    tokens: int = 0,
    *,
    cost_usd: Decimal | None = None,
    now: datetime | None = None,
) -> Reservation:
    """Hold capacity for one call, or raise RateLimited. ``cost_usd`` charges the AI budget."""
    return counters.reserve(
        provider,
        limits=limits_for(provider),
        requests=requests,
        tokens=tokens,
        cost_usd=cost_usd,
        budget_usd=budget_limit() if cost_usd is not None else None,
        now=now,
    )


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
    call = CallRecord(
        reservation.provider,
        outcome,
        model=model,
        purpose=purpose,
        tokens_in=tokens_in,
        tokens_out=tokens_out,
        cost_usd=cost_usd,
        latency_ms=latency_ms,
        error=error,
    )
    return counters.settle(reservation, call, record_usage, usage_row)


def record_usage(call: CallRecord) -> AIUsage:
    """The AIUsage row of one call; core's recorder for every limited call (AppConfig.ready)."""
    return AIUsage.objects.create(
        provider=call.provider,
        model=call.model[:100],
        purpose=call.purpose[:32],
        tokens_in=call.tokens_in,
        tokens_out=call.tokens_out,
        cost_usd=call.cost_usd,
        latency_ms=max(0, call.latency_ms),
        outcome=call.outcome,
        error=call.error[:2000],
    )


_USAGE_COLUMNS = {
    f.attname: str(f.column) for f in AIUsage._meta.concrete_fields if not f.primary_key
}


def usage_row(call: CallRecord) -> RecordRow:
    """``record_usage`` as a row, for a settle done in one statement (PostgreSQL)."""
    values = {
        "provider": call.provider,
        "model": call.model[:100],
        "purpose": call.purpose[:32],
        "tokens_in": call.tokens_in,
        "tokens_out": call.tokens_out,
        "cost_usd": call.cost_usd,
        "latency_ms": max(0, call.latency_ms),
        "outcome": call.outcome,
        "error": call.error[:2000],
        "created_at": timezone.now(),
    }

    def built(pk: int) -> AIUsage:
        usage = AIUsage(id=pk, **values)
        usage._state.adding = False
        return usage

    return RecordRow(
        AIUsage._meta.db_table, {_USAGE_COLUMNS[k]: v for k, v in values.items()}, built
    )
