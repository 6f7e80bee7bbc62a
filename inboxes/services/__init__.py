"""Inbox services: registry, warmup counter, health. Import from here."""

from __future__ import annotations

from inboxes.services.health import (
    circuit_allows,
    inbox_pause,
    inbox_resume,
    recompute_rates,
    record_bounce,
    record_bounces,
    record_failure,
    record_success,
)
from inboxes.services.preflight import (
    preflight_allows,
    preflight_override,
    preflight_payload,
    preflight_rows,
    preflight_run,
    preflight_run_many,
)
from inboxes.services.registry import RegistryReport, get_inbox, inbox_save, initialize_inboxes
from inboxes.services.warmup import (
    local_date,
    next_reset,
    remaining_today,
    warmup_consume,
    warmup_limit,
    warmup_release,
    warmup_reserve,
    warmup_week,
)

__all__ = [
    "RegistryReport",
    "circuit_allows",
    "get_inbox",
    "inbox_pause",
    "inbox_resume",
    "inbox_save",
    "initialize_inboxes",
    "local_date",
    "next_reset",
    "preflight_allows",
    "preflight_override",
    "preflight_payload",
    "preflight_rows",
    "preflight_run",
    "preflight_run_many",
    "recompute_rates",
    "record_bounce",
    "record_bounces",
    "record_failure",
    "record_success",
    "remaining_today",
    "warmup_consume",
    "warmup_limit",
    "warmup_release",
    "warmup_reserve",
    "warmup_week",
]
