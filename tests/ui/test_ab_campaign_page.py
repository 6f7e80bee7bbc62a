"""The campaign page in Chromium: its A/B variants inline, the results table and the SVG chart
with interval whiskers, fitting a 1280 px window; a variant edited there is what gets saved."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from outreach.models import StepVariant
from tests.factories import InboxFactory
from tests.outreach.ab_world import ab_campaign
from tests.outreach.helpers import enrolled
from tests.outreach.test_ab_results import NO, YES, _run
from tests.ui.conftest import log_in, screenshot
from tests.ui.layout import layout_problems

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_campaign_page_shows_variants_results_and_chart(
    page: Any, live_server: Any, operator: Any
) -> None:
    InboxFactory(address="outreach@sender.example", warmup_schedule="100")
    campaign = ab_campaign("AB", steps=[0])
    enrolled(campaign, n=16)
    _run(campaign, {"A": [YES] * 6, "B": [NO, YES]})

    log_in(page, live_server, wait_for="#user-tools")
    page.set_viewport_size({"width": 1280, "height": 1000})
    page.goto(f"{live_server.url}/admin/outreach/campaign/{campaign.pk}/change/")
    table = page.locator("table.ab-results")
    expect(table).to_contain_text("75.0%")  # A: 6 positive of 8 sent
    expect(table).to_contain_text("12.5%")  # B: 1 of 8
    expect(page.locator(".ab-step")).to_contain_text("winner A")
    chart = page.locator("svg.ab-chart")
    expect(chart.locator("rect")).to_have_count(2)
    expect(chart.locator("line")).to_have_count(6)  # a whisker and two caps per variant
    assert layout_problems(page) == [], screenshot(page, "ab-campaign-1280")
    screenshot(page, "ab-campaign-1280")

    page.locator("input[name=variants-1-subject]").fill("B: a better subject for {city}")
    page.locator("input[name=_continue]").click()
    expect(page.locator("ul.messagelist")).to_contain_text("was changed successfully")
    assert StepVariant.objects.get(campaign=campaign, label="B").subject == (
        "B: a better subject for {city}"
    )
