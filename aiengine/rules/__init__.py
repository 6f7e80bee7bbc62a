"""Offline reply classification: header and phrase rules, no network, no Django."""

from __future__ import annotations

from aiengine.rules.classify import LLM_THRESHOLD, classify_reply, needs_llm
from aiengine.rules.verdict import Classification, Intent

__all__ = ["LLM_THRESHOLD", "Classification", "Intent", "classify_reply", "needs_llm"]
