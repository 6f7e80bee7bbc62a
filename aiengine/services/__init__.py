"""The AI engine's entry points, one module per job.

- ``writing``: write step N of an email for given facts (``draft_email``).
- ``classifying``: classify a reply's text (``classify_reply_text``).
- ``llm``: the provider loop with fallback that both go through (``call_llm``).
- ``usage``: usage against the limits and the budget (``rate_limit_status``).

They return drafts and verdicts; storing them is the caller's business (``outreach``).
"""

from __future__ import annotations

from aiengine.services.classifying import classify_reply_text
from aiengine.services.llm import Answer, call_llm
from aiengine.services.usage import rate_limit_status
from aiengine.services.writing import draft_email

__all__ = ["Answer", "call_llm", "classify_reply_text", "draft_email", "rate_limit_status"]
