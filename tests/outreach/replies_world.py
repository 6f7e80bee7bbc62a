"""Set-up for the unified-inbox tests: step 1 sent through a real SMTP server, and the
prospect's reply stored by the same code the reply check runs (``ingest_message``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import time_machine

from inboxes.models import Inbox
from outreach.models import Enrollment, OutboundEmail, Reply
from outreach.services import run_send_pass
from outreach.services.inbound import ingest_message
from tests.factories import CampaignFactory
from tests.inbound.messages import plain_reply
from tests.outreach.helpers import TUESDAY_10, enrolled, smtp_inbox

INTERESTED = "This sounds interesting, we are looking at exactly this. I would like to know more."


@dataclass
class Thread:
    inbox: Inbox
    enrollment: Enrollment
    first: OutboundEmail
    reply: Reply


def reply_to(
    first: OutboundEmail,
    inbox: Inbox,
    body: str = INTERESTED,
    msgid: str = "<r1@hotel.example>",
    subject: str = "",
) -> Reply:
    raw = plain_reply(
        frm=first.recipient,
        to=inbox.address,
        subject=subject or first.subject,
        in_reply_to=first.message_id,
        references=first.message_id,
        body=body + "\n\nOn Tue, 1 Dec 2026, Jengu wrote:\n> " + first.body_text[:40],
        msgid=msgid,
    )
    with time_machine.travel(TUESDAY_10 + timedelta(hours=1), tick=False):
        msg, created = ingest_message(inbox=inbox, raw=raw)
    assert created
    return Reply.objects.get(pk=msg.pk)


def sent_and_replied(
    smtp_server: Any, settings: Any, body: str = INTERESTED, **inbox: Any
) -> Thread:
    """One contact emailed step 1 of a 3-step campaign over SMTP, and their reply stored."""
    with time_machine.travel(TUESDAY_10, tick=False):
        sender = smtp_inbox(smtp_server, settings, **inbox)
        (enrollment,) = enrolled(CampaignFactory(steps=[0, 3, 7]))
        assert run_send_pass().sent == 1
    first = OutboundEmail.objects.get(enrollment=enrollment, step=1)
    return Thread(sender, enrollment, first, reply_to(first, sender, body))
