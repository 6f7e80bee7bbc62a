from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
import time_machine

from inboxes.clients.maildir import inbox_path, open_maildir
from inboxes.models import Inbox
from outreach.models import Enrollment, OutboundEmail
from outreach.services import run_send_pass
from outreach.services.reader import check_inbox
from tests.factories import CampaignFactory, InboxFactory
from tests.inbound.messages import plain_reply
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

    def deliver(self, raw: bytes) -> None:
        """Put a message in the inbox's INBOX: IMAP APPEND to Dovecot, or a Maildir file."""
        if self.imap is not None:
            self.imap.append(self.user.name, raw)
        else:
            open_maildir(inbox_path(self.inbox)).add(raw)

    def reply(self, enrollment: Enrollment, body: str, **extra: str) -> OutboundEmail:
        """Deliver a plain reply threaded to the email we sent this enrollment's contact."""
        ours = self.sent[enrollment.contact_id]
        self.deliver(
            plain_reply(
                frm=ours.recipient,
                to=self.inbox.address,
                subject=ours.subject,
                in_reply_to=ours.message_id,
                body=body,
                **extra,
            )
        )
        return ours

    def check(self) -> dict[str, Any]:
        """One reply check, an hour after the emails went out."""
        with time_machine.travel(TUESDAY_10.replace(hour=11), tick=False):
            return check_inbox(self.inbox.pk)


def _step_one(inbox: Inbox) -> tuple[Enrollment, Enrollment, Enrollment, dict[int, Any]]:
    """Three contacts, two at one company, emailed step 1 from ``inbox``."""
    campaign = CampaignFactory(steps=[0, 3, 7])
    a, b = enrolled(campaign, n=2)
    (colleague,) = enrolled(campaign, prospect=a.prospect)
    assert run_send_pass().sent == 3
    sent = {e.contact_id: e for e in OutboundEmail.objects.filter(status="sent")}
    return a, b, colleague, sent


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
        a, b, colleague, sent = _step_one(inbox)
    return World(inbox, a, b, colleague, sent, imap_user.server, imap_user, smtp)


@pytest.fixture
def maildir_world() -> World:
    """The same three contacts emailed from a Maildir inbox (the offline default): replies are
    files dropped into its new/ folder."""
    with time_machine.travel(TUESDAY_10, tick=False):
        inbox = InboxFactory(address="outreach@sender.example")
        a, b, colleague, sent = _step_one(inbox)
    return World(inbox, a, b, colleague, sent, None, None, None)
