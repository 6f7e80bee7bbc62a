"""A reply stops its company: the organisation behind the replying address (Public Suffix List)."""

from __future__ import annotations

import pytest
import time_machine

from inboxes.clients.maildir import inbox_path, open_maildir
from inboxes.models import Inbox
from outreach.models import Enrollment, OutboundEmail
from outreach.services import run_send_pass
from outreach.services.reader import check_inbox
from tests.factories import CampaignFactory, InboxFactory, ProspectFactory
from tests.inbound.messages import plain_reply
from tests.outreach.helpers import TUESDAY_10, enrolled

pytestmark = pytest.mark.django_db


def _send_step_one(contacts: dict[str, tuple[str, str]]) -> tuple[Inbox, dict[str, Enrollment]]:
    """Enroll one contact per ``{label: (website, email)}`` and send everyone step 1 from a
    Maildir inbox."""
    with time_machine.travel(TUESDAY_10, tick=False):
        inbox = InboxFactory(address="outreach@sender.example")
        campaign = CampaignFactory(steps=[0, 3, 7])
        rows = {}
        for label, (website, email) in contacts.items():
            prospect = ProspectFactory(name=f"Hotel {label}", website=website)
            (rows[label],) = enrolled(campaign, prospect=prospect, email=email)
        assert run_send_pass().sent == len(contacts)
    return inbox, rows


def _meeting_reply(inbox: Inbox, enrollment: Enrollment, frm: str) -> None:
    ours = OutboundEmail.objects.get(enrollment=enrollment)
    raw = plain_reply(
        frm=frm,
        to=inbox.address,
        subject=ours.subject,
        in_reply_to=ours.message_id,
        body="Sounds good - can we set up a call on Thursday at 3pm?",
    )
    open_maildir(inbox_path(inbox)).add(raw)
    with time_machine.travel(TUESDAY_10.replace(hour=11), tick=False):
        assert check_inbox(inbox.pk)["stored"] == 1


def _statuses(rows: dict[str, Enrollment]) -> dict[str, str]:
    return {label: Enrollment.objects.get(pk=e.pk).status for label, e in rows.items()}


def test_a_reply_stops_everyone_at_the_organisation_and_no_one_else_under_co_uk() -> None:
    inbox, rows = _send_step_one(
        {
            "paris": ("https://paris.hotelgroup.co.uk", "info@paris.hotelgroup.co.uk"),
            "head office": ("https://www.hotelgroup.co.uk", "sales@hotelgroup.co.uk"),
            "rome": ("https://rome.hotelgroup.co.uk", "gm.rome@gmail.com"),
            "neighbour": ("https://otherhotel.co.uk", "info@otherhotel.co.uk"),
        }
    )
    _meeting_reply(inbox, rows["paris"], "info@paris.hotelgroup.co.uk")
    assert _statuses(rows) == {
        "paris": "replied",
        "head office": "replied",  # sales@hotelgroup.co.uk: the same company
        "rome": "replied",  # its website is the company's, whatever its contact's address
        "neighbour": "active",  # co.uk is a public suffix, not a company
    }
    stopped = Enrollment.objects.get(pk=rows["head office"].pk)
    assert stopped.stopped_reason == "reply from info@paris.hotelgroup.co.uk"
    assert not OutboundEmail.objects.filter(
        enrollment_id=rows["head office"].pk, status="queued"
    ).exists()


def test_a_reply_from_outside_the_prospects_website_stops_only_its_prospect() -> None:
    inbox, rows = _send_step_one(
        {
            "paris": ("https://paris.hotelgroup.co.uk", "marie.dupont@gmail.com"),
            "head office": ("https://www.hotelgroup.co.uk", "sales@hotelgroup.co.uk"),
            "lisbon": ("https://alfama-azul.example", "joana.alfama@gmail.com"),
        }
    )
    _meeting_reply(inbox, rows["paris"], "marie.dupont@gmail.com")
    # gmail.com is nobody's company, and a reply from it does not speak for hotelgroup.co.uk
    assert _statuses(rows) == {"paris": "replied", "head office": "active", "lisbon": "active"}
