"""The prospects pipeline's knobs, read in one place.

Each knob is ``settings.JENGU[KEY]`` when the settings define it, else the environment
variable named beside it, else the default. docs/prospects.md lists them all.
"""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings

# KEY: (environment variable, default)
KNOBS: dict[str, tuple[str, Any]] = {
    "TIER_HOT": ("TIER_HOT", 70),
    "TIER_WARM": ("TIER_WARM", 40),
    "DNS_RESOLVER": ("DNS_RESOLVER", ""),
    "DNS_TIMEOUT": ("JENGU_DNS_TIMEOUT", 5.0),
    "SCRAPE_QUERIES": ("SCRAPE_QUERIES", ""),
    "PLACES_MAX_RESULTS": ("JENGU_PLACES_MAX_RESULTS", 60),
    "CRAWL_DELAY": ("JENGU_CRAWL_DELAY", 2.0),
    "CRAWL_TIMEOUT": ("JENGU_CRAWL_TIMEOUT", 10.0),
    "CRAWL_MAX_BYTES": ("JENGU_CRAWL_MAX_BYTES", 2_000_000),
    "CRAWL_MAX_WAIT": ("JENGU_CRAWL_MAX_WAIT", 30.0),
    "CRAWL_CONTACT_PAGES": ("JENGU_CRAWL_CONTACT_PAGES", 3),
    "CRAWL_USER_AGENT": ("JENGU_CRAWL_USER_AGENT", ""),
    "CRAWL_PROXY": ("JENGU_CRAWL_PROXY", ""),
    "VENDOR_TIMEOUT": ("JENGU_VENDOR_TIMEOUT", 15.0),
    "FINDER_PATTERN_CHECKS": ("JENGU_FINDER_PATTERN_CHECKS", 3),
    "DUPLICATE_THRESHOLD": ("JENGU_DUPLICATE_THRESHOLD", 88.0),
    "PIPELINE_ENRICH_LIMIT": ("JENGU_PIPELINE_ENRICH_LIMIT", 500),
    "TASK_MAX_ATTEMPTS": ("JENGU_PIPELINE_TASK_ATTEMPTS", 3),
    "IMPORT_MAX_BYTES": ("JENGU_IMPORT_MAX_BYTES", 50 * 1024 * 1024),
    # "" = var/disposable_overrides.txt (prospects.emails.overrides_path)
    "DISPOSABLE_OVERRIDES": ("JENGU_DISPOSABLE_OVERRIDES", ""),
}


def knob(key: str) -> Any:
    """The value of a knob, converted to the type of its default."""
    env_name, default = KNOBS[key]
    configured = getattr(settings, "JENGU", {})
    value = configured[key] if key in configured else os.environ.get(env_name, default)
    if isinstance(default, bool):
        return str(value).strip().lower() in ("1", "true", "yes", "on")
    if isinstance(default, int):
        return int(value)
    if isinstance(default, float):
        return float(value)
    return str(value)


class KnobLimit:
    """A view's ``max_body_bytes`` (read by ``core.ingress``) that follows a knob: looked up
    on the class at each request, so a changed setting applies at once."""

    def __init__(self, key: str) -> None:
        self.key = key

    def __get__(self, instance: object, owner: type | None = None) -> int:
        return int(knob(self.key))


def vendor_key(name: str) -> str:
    """``HUNTER_API_KEY`` and friends; "" when the vendor is not configured."""
    return str(getattr(settings, f"{name}_API_KEY", "") or "")


def vendor_url(name: str, default: str) -> str:
    return str(getattr(settings, f"{name}_BASE_URL", "") or default).rstrip("/")


def user_agent() -> str:
    base = getattr(settings, "PUBLIC_BASE_URL", "")
    return knob("CRAWL_USER_AGENT") or f"JenguBot/1.0 (+{base})"
