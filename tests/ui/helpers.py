"""Shared set-up for the operator UI tests: a Maildir inbox that has sent a prospect step 1."""

from __future__ import annotations

from typing import Any

import time_machine

from inboxes.models import Inbox
from outreach.models import Enrollment, OutboundEmail
from outreach.services import run_send_pass
from tests.factories import CampaignFactory, InboxFactory
from tests.outreach.helpers import TUESDAY_10, enrolled


def sent_step_one(n: int = 1, **inbox: Any) -> tuple[Inbox, list[Enrollment]]:
    """One Maildir inbox and ``n`` enrollments whose first email went out on a Tuesday 10:00."""
    with time_machine.travel(TUESDAY_10, tick=False):
        sender = InboxFactory(**inbox)
        rows = enrolled(CampaignFactory(steps=[0, 3, 7]), n=n)
        assert run_send_pass().sent == n
    return sender, rows


def first_email(enrollment: Enrollment) -> OutboundEmail:
    return OutboundEmail.objects.get(enrollment=enrollment, step=1)
