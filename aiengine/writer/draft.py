"""What every writer (offline templates or an LLM) takes in and hands back."""

from __future__ import annotations

from dataclasses import dataclass

# The four step-1 strategies the seed's campaigns use; steps 2+ are follow-ups.
STRATEGIES = ("authority_scarcity", "curiosity_value", "cold_direct", "cold_pattern_interrupt")


@dataclass(frozen=True)
class EmailContext:
    """Plain data about one prospect and the sender, built by callers from the models."""

    prospect_name: str
    city: str = ""
    country: str = ""
    website: str = ""
    property_type: str = ""
    contact_name: str = ""
    contact_title: str = ""
    sender_name: str = ""
    sender_company: str = "Jengu"
    notes: str = ""  # operator's notes: given to the LLM as data, never pasted into an email


@dataclass(frozen=True)
class Draft:
    subject: str
    body: str  # plain text, the default part
    html: str | None = None  # only when a step defines HTML
    provider: str = "offline"
    model: str = "templates"
    prompt_version: str = ""
