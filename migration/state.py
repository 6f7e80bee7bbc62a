"""What one import run knows as it goes: the old ids mapped to Jengu's rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from inboxes.models import Inbox
from migration.readers import Export
from migration.report import LegacyReport
from outreach.models import Campaign
from prospects.models import Prospect


@dataclass
class Run:
    export: Export
    report: LegacyReport
    now: datetime
    prospects: dict[str, Prospect] = field(default_factory=dict)  # old prospect id -> survivor
    prospect_emails: dict[str, str] = field(default_factory=dict)  # old prospect id -> address
    mailboxes: dict[str, str] = field(default_factory=dict)  # old mailbox id -> address
    inboxes: dict[str, Inbox] = field(default_factory=dict)  # address -> inbox
    campaigns: dict[str, Campaign] = field(default_factory=dict)  # old campaign id -> campaign
    enrollments: set[int] = field(default_factory=set)  # enrollments the export speaks about
    created_enrollments: set[int] = field(default_factory=set)
