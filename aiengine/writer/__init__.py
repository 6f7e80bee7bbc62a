"""Email writers: the offline templates here, an LLM writer beside them, one output contract."""

from __future__ import annotations

from aiengine.writer.draft import STRATEGIES, Draft, EmailContext
from aiengine.writer.offline import OFFLINE_VERSION, write_offline
from aiengine.writer.validation import DraftInvalid, ensure_valid, validate_draft

__all__ = [
    "OFFLINE_VERSION",
    "STRATEGIES",
    "Draft",
    "DraftInvalid",
    "EmailContext",
    "ensure_valid",
    "validate_draft",
    "write_offline",
]
