"""Provider calls with fallback: the loop every LLM call of the AI engine goes through.

For each provider in ``AI_PROVIDER_ORDER``: reserve capacity (limits, budget, backoff) -> call
-> accept (validate) -> settle. A refusal, an error, a 429 (which opens a backoff) or an answer
that fails validation falls through to the next provider. Nothing here raises for provider
trouble: when every provider failed the caller gets None and answers offline.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from aiengine import ratelimit
from aiengine.clients import (
    Completion,
    ProviderConfig,
    ProviderError,
    StructuredRequest,
    client_for,
    configured_providers,
    provider_config,
)
from aiengine.clients.base import ERROR
from aiengine.models import AIUsage
from aiengine.pricing import cost_usd
from aiengine.writer import DraftInvalid

log = logging.getLogger(__name__)
T = TypeVar("T")

# What an ``accept`` callback may raise for an answer it cannot use (next provider, please).
_ACCEPT_ERRORS = (DraftInvalid, ValueError, KeyError, TypeError)


@dataclass(frozen=True)
class Answer(Generic[T]):
    value: T
    provider: str
    model: str


def call_llm(
    *, purpose: str, request: StructuredRequest, accept: Callable[[dict[str, Any]], T]
) -> Answer[T] | None:
    """The first provider's accepted answer, in order; None when every provider failed."""
    for config in configured_providers():
        answer = _try_provider(config, purpose, request, accept)
        if answer is not None:
            return answer
    return None


def _try_provider(
    config: ProviderConfig,
    purpose: str,
    request: StructuredRequest,
    accept: Callable[[dict[str, Any]], T],
) -> Answer[T] | None:
    reservation = _reserve(config, purpose, request)
    if reservation is None:
        return None
    started = time.monotonic()
    result = _call(config, request)
    if isinstance(result, ProviderError):
        _settle_failure(reservation, result, purpose, started)
        return None
    try:
        value = accept(result.data)
    except _ACCEPT_ERRORS as exc:
        failure = ProviderError(f"rejected: {exc}", outcome=AIUsage.Outcome.INVALID)
        _settle_failure(reservation, failure, purpose, started, result)
        return None
    _settle(reservation, result, purpose, started, AIUsage.Outcome.OK, "")
    return Answer(value=value, provider=config.name, model=result.model)


def _reserve(
    config: ProviderConfig, purpose: str, request: StructuredRequest
) -> ratelimit.Reservation | None:
    """Capacity for the call, priced at its estimate; None (and a record) when refused."""
    estimate_in = request.estimated_input_tokens()
    try:
        return ratelimit.reserve(
            config.name,
            tokens=estimate_in + request.max_tokens,
            cost_usd=cost_usd(config.model, estimate_in, request.max_tokens),
        )
    except ratelimit.RateLimited as refusal:
        ratelimit.record_refusal(config.name, refusal, purpose=purpose, model=config.model)
        log.info("%s skipped: %s", config.name, refusal)
        return None


def _call(config: ProviderConfig, request: StructuredRequest) -> Completion | ProviderError:
    try:
        return client_for(config).complete(request)
    except ProviderError as exc:
        return exc
    except Exception as exc:  # an SDK bug must not stop the email: log it, try the next one
        log.exception("%s call failed unexpectedly", config.name)
        return ProviderError(f"{type(exc).__name__}: {exc}", outcome=ERROR, model=config.model)


def _settle(
    reservation: ratelimit.Reservation,
    spent: Completion | ProviderError,
    purpose: str,
    started: float,
    outcome: str,
    error: str,
) -> AIUsage:
    model = spent.model or provider_config(reservation.provider).model
    return ratelimit.settle(
        reservation,
        tokens_in=spent.tokens_in,
        tokens_out=spent.tokens_out,
        cost_usd=cost_usd(model, spent.tokens_in, spent.tokens_out),
        outcome=outcome,
        model=model,
        purpose=purpose,
        error=error,
        latency_ms=int((time.monotonic() - started) * 1000),
    )


def _settle_failure(
    reservation: ratelimit.Reservation,
    exc: ProviderError,
    purpose: str,
    started: float,
    completion: Completion | None = None,
) -> None:
    log.warning("%s %s: %s", reservation.provider, exc.outcome, exc.message)
    if exc.outcome == AIUsage.Outcome.RATE_LIMITED:
        ratelimit.backoff_open(reservation.provider, retry_after=exc.retry_after, error=exc.message)
    _settle(reservation, completion or exc, purpose, started, exc.outcome, exc.message)
