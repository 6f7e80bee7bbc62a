"""The rate limiter as rows: per-provider minute and day windows, a shared daily dollar row,
backoff after a 429, and ``vendor_call`` for plain HTTP vendors (Hunter, Apollo,
MillionVerifier).

Generic counters only: aiengine adds the LLM providers' limits, the daily AI budget and the
AIUsage record of each call (``aiengine.ratelimit``).
"""

from __future__ import annotations

from core.ratelimit.backoff import (
    Outcome,
    backoff_open,
    backoff_until,
    note_outcome,
    parse_retry_after,
)
from core.ratelimit.calls import (
    CallRecord,
    VendorCall,
    record,
    record_refusal,
    set_recorder,
    settle,
    vendor_call,
)
from core.ratelimit.counters import (
    BUDGET,
    DAY,
    MINUTE,
    RateLimited,
    Reservation,
    current_windows,
    reserve,
    window_starts,
)
from core.ratelimit.limits import (
    VENDOR_DEFAULTS,
    VENDORS,
    Limits,
    env_limits,
    parse_limits,
    vendor_limits,
)

__all__ = [
    "BUDGET",
    "DAY",
    "MINUTE",
    "VENDORS",
    "VENDOR_DEFAULTS",
    "CallRecord",
    "Limits",
    "Outcome",
    "RateLimited",
    "Reservation",
    "VendorCall",
    "backoff_open",
    "backoff_until",
    "current_windows",
    "env_limits",
    "note_outcome",
    "parse_limits",
    "parse_retry_after",
    "record",
    "record_refusal",
    "reserve",
    "set_recorder",
    "settle",
    "vendor_call",
    "vendor_limits",
    "window_starts",
]
