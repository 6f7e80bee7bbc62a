"""Tracking in Chromium: opt a campaign in on its admin page, send, follow the tracked link and
fetch the pixel as a reader would, and read the numbers on the campaign and email pages."""

from __future__ import annotations

import re
from typing import Any

import pytest
import time_machine
from playwright.sync_api import expect

from outreach.models import Campaign, OutboundEmail, TrackingEvent
from outreach.services import run_send_pass
from outreach.services.prepare import prepare_due
from tests.factories import CampaignFactory
from tests.outreach.helpers import TUESDAY_10, enrolled, parsed, smtp_inbox
from tests.ui.conftest import log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
READER = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/537.36 Chrome/131.0 Safari/537.36"
)


def _queued_html_email(smtp_server: Any, settings: Any, destination: str) -> OutboundEmail:
    with time_machine.travel(TUESDAY_10, tick=False):
        smtp_inbox(smtp_server, settings)
        (enrollment,) = enrolled(CampaignFactory(name="Lisbon boutique hotels"))
        prepare_due(now=TUESDAY_10)
    email = OutboundEmail.objects.get(enrollment=enrollment)
    OutboundEmail.objects.filter(pk=email.pk).update(
        body_html=f'<html><body><p>See <a href="{destination}">our rooms</a>.</p></body></html>'
    )
    return email


def test_opt_in_send_click_and_read_the_numbers(
    browser: Any, live_server: Any, operator: Any, smtp_server: Any, settings: Any
) -> None:
    settings.PUBLIC_BASE_URL = live_server.url  # the tracked links lead to this server
    destination = f"{live_server.url}/health"
    email = _queued_html_email(smtp_server, settings, destination)
    campaign = Campaign.objects.get(pk=email.enrollment.campaign_id)
    context = browser.new_context(viewport={"width": 1280, "height": 1000}, user_agent=READER)
    context.set_default_timeout(10_000)
    page = context.new_page()
    log_in(page, live_server, wait_for="#content")

    page.goto(f"{live_server.url}/admin/outreach/campaign/{campaign.pk}/change/")
    expect(page.locator("fieldset", has_text="Tracking")).to_contain_text("0 sent")
    page.check("#id_track_opens")
    page.check("#id_track_clicks")
    page.locator("input[name=_continue]").click()
    expect(page.locator("ul.messagelist")).to_contain_text("was changed successfully")
    campaign.refresh_from_db()
    assert campaign.track_opens and campaign.track_clicks

    with time_machine.travel(TUESDAY_10, tick=False):
        assert run_send_pass().sent == 1
    html = parsed(smtp_server.messages[0].raw).get_body(("html",)).get_content()
    (link,) = re.findall(rf'href="({re.escape(live_server.url)}/t/c/[^"]+)"', html)
    (pixel,) = re.findall(rf'src="({re.escape(live_server.url)}/t/o/[^"]+)"', html)

    page.goto(link)  # the reader clicks: the browser lands on the destination
    assert page.url == destination
    image = page.goto(pixel)
    assert image is not None and image.headers["content-type"] == "image/gif"
    assert TrackingEvent.objects.filter(suspect=False).count() == 2

    page.goto(f"{live_server.url}/admin/outreach/campaign/{campaign.pk}/change/")
    block = page.locator("fieldset", has_text="Tracking")
    expect(block).to_contain_text("1 sent, 1 with HTML")
    expect(block.locator("tr", has_text="opens (unreliable")).to_contain_text("1")
    expect(block.locator("tr", has_text="clicks")).to_contain_text("1")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, "tracking-campaign-1280")

    page.goto(f"{live_server.url}/admin/outreach/outboundemail/{email.pk}/change/")
    expect(page.locator("fieldset", has_text="Tracking")).to_contain_text("person")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    context.close()
