"""Limits per provider, and the vendors' plans, from the environment (grammar in docs/ai.md).

``VENDOR_LIMITS_<NAME>=RPM/RPD`` for a vendor (and aiengine's ``AI_LIMITS_<PROVIDER>=RPM/TPM/TPD``
for an LLM provider): whole numbers with optional ``k``/``m`` suffixes, or ``-`` for no limit.
The vendors are here, not in prospects, because the status API lists them beside the LLMs.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class Limits:
    """None = no limit on that dimension."""

    rpm: int | None = None
    tpm: int | None = None
    tpd: int | None = None
    rpd: int | None = None


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


def env_limits(var: str, *, vendor: bool, default: Limits) -> Limits:
    """The limits in ``var`` when it is set, else ``default``."""
    spec = os.environ.get(var, "").strip()
    return parse_limits(spec, vendor=vendor, var=var) if spec else default


def vendor_limits(name: str) -> Limits:
    """``VENDOR_LIMITS_<NAME>``, else the vendor's plan; an unknown name is unlimited."""
    default = VENDOR_DEFAULTS.get(name) or Limits()
    return env_limits(f"VENDOR_LIMITS_{name.upper()}", vendor=True, default=default)
