"""What a call costs: a per-model price table in US dollars per million tokens.

Models are matched by the longest known prefix, so dated snapshots ("gpt-4o-2024-08-06") and
aliases ("claude-haiku-4-5-20251001") find their family. ``AI_PRICES`` overrides or extends the
table: ``model=IN/OUT`` pairs separated by ``;`` (e.g. ``grok-4=3/15;my-model=0.5/1.5``).
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ImproperlyConfigured

log = logging.getLogger(__name__)

MILLION = Decimal(1_000_000)


@dataclass(frozen=True)
class Price:
    input_per_mtok: Decimal
    output_per_mtok: Decimal


def _p(inp: str, out: str) -> Price:
    return Price(Decimal(inp), Decimal(out))


# List prices (standard tier, no caching) as published by the vendors in 2025. Check them
# against the vendors' pricing pages and override with AI_PRICES when they change.
PRICES: dict[str, Price] = {
    # xAI
    "grok-3-mini": _p("0.30", "0.50"),
    "grok-3": _p("3", "15"),
    "grok-4-fast": _p("0.20", "0.50"),
    "grok-4-1-fast": _p("0.20", "0.50"),
    "grok-4": _p("3", "15"),
    "grok-code-fast": _p("0.20", "1.50"),
    # Anthropic
    "claude-haiku-4-5": _p("1", "5"),
    "claude-3-5-haiku": _p("0.80", "4"),
    "claude-3-haiku": _p("0.25", "1.25"),
    "claude-sonnet-4": _p("3", "15"),
    "claude-3-7-sonnet": _p("3", "15"),
    "claude-opus-4-5": _p("5", "25"),
    "claude-opus-4": _p("15", "75"),
    # OpenAI
    "gpt-4o-mini": _p("0.15", "0.60"),
    "gpt-4o": _p("2.50", "10"),
    "gpt-4.1-nano": _p("0.10", "0.40"),
    "gpt-4.1-mini": _p("0.40", "1.60"),
    "gpt-4.1": _p("2", "8"),
    "gpt-5-nano": _p("0.05", "0.40"),
    "gpt-5-mini": _p("0.25", "2"),
    "gpt-5": _p("1.25", "10"),
}

# An unknown model is priced like a mid-range one, so the daily budget still bites.
UNKNOWN = _p("3", "15")
_warned: set[str] = set()


def _parse_overrides(spec: str) -> dict[str, Price]:
    prices: dict[str, Price] = {}
    for item in filter(None, (part.strip() for part in spec.split(";"))):
        try:
            model, pair = item.split("=", 1)
            inp, out = pair.split("/", 1)
            prices[model.strip()] = Price(Decimal(inp.strip()), Decimal(out.strip()))
        except (ValueError, InvalidOperation) as exc:
            raise ImproperlyConfigured(f"AI_PRICES: {item!r} is not MODEL=IN/OUT") from exc
    return prices


def price_table() -> dict[str, Price]:
    return {**PRICES, **_parse_overrides(os.environ.get("AI_PRICES", ""))}


def price_for(model: str) -> Price:
    table = price_table()
    matches = [prefix for prefix in table if model.startswith(prefix)]
    if not matches:
        if model not in _warned:  # once per process, not once per call
            _warned.add(model)
            log.warning("no price for model %s; using the default price", model)
        return UNKNOWN
    return table[max(matches, key=len)]


def cost_usd(model: str, tokens_in: int, tokens_out: int) -> Decimal:
    """Dollars, rounded to the micro-dollar the AIUsage column keeps."""
    price = price_for(model)
    total = (tokens_in * price.input_per_mtok + tokens_out * price.output_per_mtok) / MILLION
    return total.quantize(Decimal("0.000001"))
