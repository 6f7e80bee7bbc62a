"""Rate limits per provider and vendor, from the environment (grammar in docs/ai.md).

``AI_LIMITS_<PROVIDER>=RPM/TPM/TPD`` for an LLM provider, ``VENDOR_LIMITS_<NAME>=RPM/RPD`` for a
vendor: whole numbers with optional ``k``/``m`` suffixes, or ``-`` for no limit.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class Limits:
    """None = no limit on that dimension."""

    rpm: int | None = None
    tpm: int | None = None
    tpd: int | None = None
    rpd: int | None = None


AI_DEFAULTS = {
    "grok": Limits(rpm=60, tpm=100_000, tpd=1_000_000),
    "anthropic": Limits(rpm=50, tpm=80_000, tpd=500_000),
    "openai": Limits(rpm=60, tpm=90_000, tpd=1_000_000),
}
VENDOR_DEFAULTS = {
    "hunter": Limits(rpm=100, rpd=500),
    "apollo": Limits(rpm=100, rpd=1_000),
    "millionverifier": Limits(rpm=100, rpd=10_000),
}
VENDORS = tuple(VENDOR_DEFAULTS)

_NUMBER = re.compile(r"^(\d+(?:\.\d+)?)([km]?)$", re.IGNORECASE)
_MULTIPLIER = {"": 1, "k": 1_000, "m": 1_000_000}


def _number(part: str, var: str) -> int | None:
    part = part.strip()
    if part == "-":
        return None
    match = _NUMBER.match(part)
    if not match:
        raise ImproperlyConfigured(f"{var}: {part!r} is not a number (like 60, 100k, 1m) or -")
    return int(Decimal(match.group(1)) * _MULTIPLIER[match.group(2).lower()])


def parse_limits(spec: str, *, vendor: bool, var: str = "limits") -> Limits:
    """``RPM/TPM/TPD`` for an LLM provider, ``RPM/RPD`` for a vendor."""
    parts = spec.split("/")
    expected = 2 if vendor else 3
    if len(parts) != expected:
        grammar = "RPM/RPD" if vendor else "RPM/TPM/TPD"
        raise ImproperlyConfigured(f"{var}={spec!r}: expected {grammar}")
    numbers = [_number(part, var) for part in parts]
    if vendor:
        return Limits(rpm=numbers[0], rpd=numbers[1])
    return Limits(rpm=numbers[0], tpm=numbers[1], tpd=numbers[2])


def limits_for(provider: str) -> Limits:
    """``AI_LIMITS_<NAME>`` for an LLM provider, ``VENDOR_LIMITS_<NAME>`` for anything else."""
    vendor = provider not in AI_DEFAULTS
    var = f"{'VENDOR' if vendor else 'AI'}_LIMITS_{provider.upper()}"
    spec = os.environ.get(var, "").strip()
    if spec:
        return parse_limits(spec, vendor=vendor, var=var)
    return AI_DEFAULTS.get(provider) or VENDOR_DEFAULTS.get(provider) or Limits()


def budget_limit() -> Decimal:
    return Decimal(str(settings.JENGU["AI_DAILY_BUDGET_USD"]))
