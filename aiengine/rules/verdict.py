"""The classifier's verdict, shared by the offline rules and the LLM path."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from enum import StrEnum


class Intent(StrEnum):
    MEETING_REQUEST = "meeting_request"
    INTERESTED = "interested"
    NEEDS_INFO = "needs_info"
    NOT_INTERESTED = "not_interested"
    DELEGATION = "delegation"
    OUT_OF_OFFICE = "out_of_office"
    UNSUBSCRIBE = "unsubscribe"
    UNCLEAR = "unclear"


@dataclass(frozen=True)
class Classification:
    intent: Intent
    confidence: float
    reason: str  # which rule fired, for the operator
    # out_of_office: the stated return date; also kept on a meeting request from someone away
    return_date: datetime.date | None = None
    delegate_email: str | None = None  # delegation: the address given
    delegate_name: str | None = None
    decided_by: str = "rules"  # the LLM path sets "llm"
