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


def _bounce_section(page: str) -> str:
    start = page.index('id="bounces"')
    return page[start : page.index("</section>", start)]


CHAR_W = 6.2  # an 11px glyph's average width, as the chart reckons it


def _crosses(text: str, line_x: float) -> bool:
    x = float(re.search(r'x="([\d.]+)"', text).group(1))
    value = re.search(r">([^<]*)</text>", text).group(1)
    width = len(value) * CHAR_W
    left = x - width if 'text-anchor="end"' in text else x
    return left - 1 < line_x < left + width + 1


def test_the_bounce_chart_says_when_a_rate_is_too_thin_to_judge(admin_client: Client) -> None:
    # 1 bounce in 3 sends is 33%, but the pause needs 20 sends: that bar judges nothing yet.
    InboxFactory(key="young", bounce_rate=1 / 3, bounce_sample=3)
    InboxFactory(key="judged", bounce_rate=0.046, bounce_sample=40)  # its label would cross
    InboxFactory(key="paused", bounce_rate=0.06, bounce_sample=50)
    section = _bounce_section(admin_client.get("/admin/").content.decode())
    assert "once it has sent 20 or more" in section  # the caption names the minimum sample
    assert "5% pause, from 20 sends" in section
    assert re.search(r'class="jc-bar jc-muted"><title>young: 33.3% of 3: too few sends', section)
    assert "judged: 4.6% of 40" in section and "too few" not in section.split("judged")[1]
    assert 'class="jc-bar jc-bad"><title>paused: 6.0% of 50' in section
    line_x = float(re.search(r'<line x1="([\d.]+)"[^>]*class="jc-threshold"', section).group(1))
    labels = re.findall(r'<text [^>]*class="jc-value"[^>]*>[^<]*</text>', section)
    assert len(labels) == 3 and not [t for t in labels if _crosses(t, line_x)]
