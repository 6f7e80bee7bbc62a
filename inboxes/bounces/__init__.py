"""Bounce, complaint and auto-reply recognition for inbound mail and send-time rejections.

One classifier serves synchronous SMTP and Graph rejections and asynchronous DSNs; see
docs/bounces.md for the vocabulary, the consequences and the soft-bounce escalation.
"""

from __future__ import annotations

from inboxes.bounces.classify import classify, classify_smtp_error, normalize_address
from inboxes.bounces.graph import classify_graph_error
from inboxes.bounces.kinds import Analysis, analyze_message
from inboxes.bounces.vocabulary import (
    CONSEQUENCES,
    SOFT_BOUNCE_DAYS,
    SOFT_BOUNCE_LIMIT,
    Consequence,
    MessageKind,
    Reason,
    Verdict,
    soft_bounce_escalates,
)

__all__ = [
    "CONSEQUENCES",
    "SOFT_BOUNCE_DAYS",
    "SOFT_BOUNCE_LIMIT",
    "Analysis",
    "Consequence",
    "MessageKind",
    "Reason",
    "Verdict",
    "analyze_message",
    "classify",
    "classify_graph_error",
    "classify_smtp_error",
    "normalize_address",
    "soft_bounce_escalates",
]
