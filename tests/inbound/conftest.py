from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
import time_machine

from inboxes.models import Inbox
from outreach.models import Enrollment, OutboundEmail
from outreach.services import run_send_pass
from tests.factories import CampaignFactory
from tests.outreach.helpers import TUESDAY_10, enrolled, smtp_inbox


@dataclass
class World:
    inbox: Inbox
    a: Enrollment
    b: Enrollment
    colleague: Enrollment
    sent: dict[int, OutboundEmail]
    imap: Any
    user: Any
    smtp: Any


@pytest.fixture
def world(smtp_server_factory, imap_user, settings) -> World:
    """Three contacts (two at one company) emailed step 1 from one mailbox: SMTP out, and its
    replies arrive in a real Dovecot IMAP INBOX (same login for both, as with most providers)."""
    smtp = smtp_server_factory(username=imap_user.name, password=imap_user.password)
    with time_machine.travel(TUESDAY_10, tick=False):
        inbox = smtp_inbox(
            smtp,
            settings,
            address=imap_user.name,
            imap_host=imap_user.host,
            imap_port=imap_user.port,
        )
        campaign = CampaignFactory(steps=[0, 3, 7])
        a, b = enrolled(campaign, n=2)
        (colleague,) = enrolled(campaign, prospect=a.prospect)
        assert run_send_pass().sent == 3
    sent = {e.contact_id: e for e in OutboundEmail.objects.filter(status="sent")}
    return World(inbox, a, b, colleague, sent, imap_user.server, imap_user, smtp)
