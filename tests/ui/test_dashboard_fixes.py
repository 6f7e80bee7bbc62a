"""What a new operator tripped on in the dashboard: the 14-day sends chart ends today,
"Replies by intent" counts only people's replies, and a bounced, suppressed prospect is lost
(not "contacted / hot 94")."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.test import Client

from compliance.models import Suppression
from console.dashboard import dashboard_context
from outreach.models import InboundMessage
from outreach.services import suppress
from prospects.models import Contact, Prospect
from tests.factories import ContactFactory, InboxFactory
from tests.outreach.helpers import TUESDAY_10
from tests.ui.helpers import sent_step_one

pytestmark = pytest.mark.django_db


def test_the_sends_chart_shows_the_14_days_that_end_today(admin_client: Client) -> None:
    with time_machine.travel(TUESDAY_10, tick=False):
        InboxFactory(key="new-inbox", timezone="Europe/Lisbon")  # created today
        page = admin_client.get("/admin/").content.decode()
    chart = re.search(r'aria-label="new-inbox: sends per day.*?</svg>', page, re.S).group(0)
    history = re.findall(r"<title>(\w{3} \d\d \w{3}): \d+ sent, limit", chart)
    assert len(history) == 14
    assert history[0] == "Wed 18 Nov" and history[-1] == "Tue 01 Dec"  # today is the last bar
    assert ">18 Nov</text>" in chart  # the axis starts 13 days back, not today


def test_replies_by_intent_counts_people_not_machines() -> None:
    inbox, (enrollment,) = sent_step_one()
    prospect = enrollment.prospect
    for kind, intent in [
        ("reply", "meeting_request"),
        ("reply", "not_interested"),
        ("reply", "out_of_office"),  # an autoresponder that came back as a plain reply
        ("auto_reply", "out_of_office"),
        ("bounce", ""),
        ("complaint", ""),
        ("unsubscribe", ""),
    ]:
        InboundMessage.objects.create(inbox=inbox, kind=kind, intent=intent, prospect=prospect)
    with time_machine.travel(TUESDAY_10 + timedelta(hours=1), tick=False):
        context = dashboard_context()
    chart = str(context["replies_chart"])
    bars = re.findall(r"<title>([^<:]+): (\d+)</title>", chart)
    assert bars == [("Meeting request", "1"), ("Not interested", "1")]
    assert context["not_replies"] == (
        "2 auto-reply, 1 bounce, 1 unsubscribe (one word), 1 complaint"
    )


def test_a_bounced_suppressed_prospect_is_lost_and_rescored(admin_client: Client) -> None:
    _inbox, (enrollment,) = sent_step_one()
    prospect = Prospect.objects.get(pk=enrollment.prospect_id)
    Prospect.objects.filter(pk=prospect.pk).update(score=94, tier="hot")
    assert prospect.stage == Prospect.Stage.CONTACTED
    # A DSN for the first email: the address is suppressed as a bounce (inbound handling).
    suppress(email=enrollment.contact.email, reason=Suppression.Reason.BOUNCE, source="bounce")
    prospect.refresh_from_db()
    assert prospect.stage == Prospect.Stage.LOST
    assert prospect.lost_reason == "address bounced: no address left"
    assert prospect.tier != "hot" and prospect.score < 70
    assert Contact.objects.get(pk=enrollment.contact_id).verification == "invalid"
    page = admin_client.get(f"/admin/prospects/prospect/{prospect.pk}/change/").content.decode()
    assert "Stage contacted → lost: address bounced" in page


def test_a_prospect_with_another_address_stays_contacted() -> None:
    _inbox, (enrollment,) = sent_step_one()
    ContactFactory(prospect=enrollment.prospect, email="reservas@other-hotel.example")
    suppress(email=enrollment.contact.email, reason=Suppression.Reason.BOUNCE, source="bounce")
    assert Prospect.objects.get(pk=enrollment.prospect_id).stage == Prospect.Stage.CONTACTED
