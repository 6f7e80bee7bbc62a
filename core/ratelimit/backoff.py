"""Backoff after a 429 / Retry-After, and the last error and success of each provider.

The state lives in ProviderState rows, so every worker on every machine skips a provider that
is backing off.
"""

from __future__ import annotations

import email.utils
import logging
import time
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from core.models import ProviderState

log = logging.getLogger(__name__)

BACKOFF_FIRST = 30  # seconds; doubles on each 429 without a success in between
BACKOFF_MAX = 300
RETRY_AFTER_MAX = 3600  # a longer Retry-After is honoured up to an hour


class Outcome(models.TextChoices):
    """How a limited call ended (aiengine's ``AIUsage.outcome`` uses these)."""

    OK = "ok"
    RATE_LIMITED = "rate_limited"
    ERROR = "error"
    TIMEOUT = "timeout"
    INVALID = "invalid", "Invalid output"
    REFUSED = "refused", "Refused by limiter"


def parse_retry_after(headers: Mapping[str, str] | None) -> float | None:
    """Seconds from ``retry-after-ms`` or ``retry-after`` (seconds or an HTTP date)."""
    if not headers:
        return None
    millis = headers.get("retry-after-ms")
    if millis:
        try:
            return max(0.0, float(millis) / 1000)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def backoff_until(provider: str, now: datetime) -> datetime | None:
    return (
        ProviderState.objects.filter(provider=provider, backoff_until__gt=now)
        .values_list("backoff_until", flat=True)
        .first()
    )


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


def note_outcome(provider: str, outcome: str, error: str) -> None:
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
