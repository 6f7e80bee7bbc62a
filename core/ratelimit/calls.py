"""Settling a limited call, the record of every call, and ``vendor_call`` for plain HTTP vendors.

The record of a call (aiengine's ``AIUsage`` row) is written by the recorder that aiengine
registers at start-up (``set_recorder``), in the same short transaction as the settle: core
knows no app's models, and a vendor's caller (prospects) need not know aiengine.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar, cast

import httpx
from django.db import transaction
from django.utils import timezone

from core.ratelimit import single
from core.ratelimit.backoff import Outcome, backoff_open, note_outcome, parse_retry_after
from core.ratelimit.counters import RateLimited, Reservation, relaxed_commit, reserve
from core.ratelimit.limits import vendor_limits
from core.ratelimit.single import RowWriter

log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass(frozen=True)
class CallRecord:
    """One call as the recorder stores it (a refused call has no tokens, cost or latency)."""

    provider: str
    outcome: str
    model: str = ""
    purpose: str = ""
    tokens_in: int = 0
    tokens_out: int = 0
    cost_usd: Decimal = Decimal(0)
    latency_ms: int = 0
    error: str = ""


Recorder = Callable[[CallRecord], Any]


def _unrecorded(call: CallRecord) -> None:
    log.debug("no call recorder: %s %s not recorded", call.provider, call.outcome)


_recorder: Recorder = _unrecorded
_record_row: RowWriter | None = None


def set_recorder(recorder: Recorder, row: RowWriter | None = None) -> None:
    """Called once from the recording app's ``AppConfig.ready()``. ``row`` gives the same record
    as a row to insert, so a settle on PostgreSQL writes it in its own single statement."""
    global _recorder, _record_row
    _recorder, _record_row = recorder, row


def record(call: CallRecord) -> Any:
    return _recorder(call)


def settle(
    reservation: Reservation,
    call: CallRecord,
    write: Callable[[CallRecord], T],
    row: RowWriter | None = None,
) -> T:
    """Replace the reserved estimate with the real usage, note the outcome, ``write`` the record.

    One transaction, so the counters and the record agree: on PostgreSQL, given ``row`` (the
    record as a row), one statement (``core.ratelimit.single``).
    """
    token_delta = call.tokens_in + call.tokens_out - reservation.tokens
    cost_delta = call.cost_usd - (reservation.cost_usd or Decimal(0))
    if row is not None and single.available():
        deltas = reservation.deltas(requests=0, tokens=token_delta, cost=cost_delta)
        return cast(T, single.settle_in_one(deltas, call, row(call), timezone.now()))
    with transaction.atomic():
        relaxed_commit()
        reservation.add(requests=0, tokens=token_delta, cost=cost_delta)
        note_outcome(reservation.provider, call.outcome, call.error)
        return write(call)


def record_refusal(
    provider: str, refusal: RateLimited, *, purpose: str = "", model: str = ""
) -> Any:
    """A call the limiter stopped: no request was made, nothing was reserved."""
    return record(
        CallRecord(provider, Outcome.REFUSED, model=model, purpose=purpose, error=str(refusal))
    )


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
        reservation = reserve(provider, limits=vendor_limits(provider), requests=requests)
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
        spent = CallRecord(
            provider,
            call.outcome,
            purpose=purpose,
            tokens_in=call.tokens,
            error=call.error,
            latency_ms=int((time.monotonic() - started) * 1000),
        )
        settle(reservation, spent, record, _record_row)
