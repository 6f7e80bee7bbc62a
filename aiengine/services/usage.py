"""Usage against the limits and the daily budget: ``GET /api/status/rate-limits``.

Reads the rate-limit windows and provider states that ``aiengine.ratelimit`` keeps; writes
nothing.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils import timezone

from aiengine import ratelimit
from aiengine.clients import PROVIDERS, provider_config, provider_order
from core.models import ProviderState

_VENDOR_KEYS = {
    "hunter": "HUNTER_API_KEY",
    "apollo": "APOLLO_API_KEY",
    "millionverifier": "MILLIONVERIFIER_API_KEY",
}


def rate_limit_status(*, now: datetime.datetime | None = None) -> dict[str, Any]:
    """``GET /api/status/rate-limits``: this minute, today, backoff and budget per provider."""
    now = now or timezone.now()
    windows = ratelimit.current_windows(now)
    states = {state.provider: state for state in ProviderState.objects.all()}
    llms = provider_order() + [name for name in PROVIDERS if name not in provider_order()]
    providers = [_provider_status(name, windows, states.get(name), now) for name in llms]
    providers += [
        _provider_status(name, windows, states.get(name), now) for name in ratelimit.VENDORS
    ]
    _minute, day = ratelimit.window_starts(now)
    budget = windows.get((ratelimit.BUDGET, ratelimit.DAY))
    return {
        "providers": providers,
        "budget": {
            "spent_usd": float(budget.cost_usd if budget else Decimal(0)),
            "limit_usd": float(ratelimit.budget_limit()),
            "day": day.date().isoformat(),
            "resets_at": day + datetime.timedelta(days=1),
        },
    }


def _provider_status(
    name: str,
    windows: dict[tuple[str, str], Any],
    state: ProviderState | None,
    now: datetime.datetime,
) -> dict[str, Any]:
    limits = ratelimit.limits_for(name)
    minute = windows.get((name, ratelimit.MINUTE))
    day = windows.get((name, ratelimit.DAY))
    llm = name in PROVIDERS
    backing_off = state is not None and state.backoff_until and state.backoff_until > now
    return {
        "provider": name,
        "kind": "llm" if llm else "vendor",
        "configured": bool(_key(name)),
        "model": provider_config(name).model if llm else None,
        "minute": {
            "requests": minute.requests if minute else 0,
            "requests_limit": limits.rpm,
            "tokens": minute.tokens if minute else 0,
            "tokens_limit": limits.tpm,
        },
        "day": {
            "requests": day.requests if day else 0,
            "requests_limit": limits.rpd,
            "tokens": day.tokens if day else 0,
            "tokens_limit": limits.tpd,
            "cost_usd": float(day.cost_usd) if day else 0.0,
        },
        "backoff_until": state.backoff_until if backing_off and state else None,
        "backoff_seconds": state.backoff_seconds if state else 0,
        "last_error": state.last_error if state else "",
        "last_error_at": state.last_error_at if state else None,
        "last_success_at": state.last_success_at if state else None,
    }


def _key(name: str) -> str:
    if name in PROVIDERS:
        return provider_config(name).api_key
    return getattr(settings, _VENDOR_KEYS.get(name, ""), "") or ""
