"""The LLM providers' rate limits and the daily AI budget, from the environment.

``AI_LIMITS_<PROVIDER>=RPM/TPM/TPD`` (grammar in docs/ai.md and ``core.ratelimit.limits``);
any other name is a vendor, limited by ``VENDOR_LIMITS_<NAME>`` (``core.ratelimit``).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings

from core.ratelimit import Limits, env_limits, vendor_limits

AI_DEFAULTS = {
    "grok": Limits(rpm=60, tpm=100_000, tpd=1_000_000),
    "anthropic": Limits(rpm=50, tpm=80_000, tpd=500_000),
    "openai": Limits(rpm=60, tpm=90_000, tpd=1_000_000),
}


def limits_for(provider: str) -> Limits:
    """``AI_LIMITS_<NAME>`` for an LLM provider, ``VENDOR_LIMITS_<NAME>`` for anything else."""
    if provider not in AI_DEFAULTS:
        return vendor_limits(provider)
    var = f"AI_LIMITS_{provider.upper()}"
    return env_limits(var, vendor=False, default=AI_DEFAULTS[provider])


def budget_limit() -> Decimal:
    return Decimal(str(settings.JENGU["AI_DAILY_BUDGET_USD"]))
