"""Campaigns, sequences, the outbound send ledger, inbound messages and shadow sends.

One module per entity group; import from here (``from outreach.models import OutboundEmail``).
The suppression list and unsubscribe tokens live in ``compliance.models``.
"""

from __future__ import annotations

from outreach.models.campaigns import STRATEGIES, Campaign, Enrollment, SequenceStep
from outreach.models.caps import DomainDay
from outreach.models.inbound import InboundMessage, Reply
from outreach.models.ledger import OutboundEmail, OutboundEmailQuerySet, ShadowSend
from outreach.models.tracking import TrackingEvent
from outreach.models.variants import StepVariant

__all__ = [
    "STRATEGIES",
    "Campaign",
    "DomainDay",
    "Enrollment",
    "InboundMessage",
    "OutboundEmail",
    "OutboundEmailQuerySet",
    "Reply",
    "SequenceStep",
    "ShadowSend",
    "StepVariant",
    "TrackingEvent",
]
