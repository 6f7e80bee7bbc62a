"""The operator's admin in a real browser: log in, read the dashboard, click through pauses,
dead letters and a prospect's timeline. Screenshots go to test-artifacts/."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from playwright.sync_api import expect

from core.models import DeadLetter
from core.services import deadletter_create, emergency_stop_active
from inboxes.models import Inbox
from outreach.models import InboundMessage
from tests.factories import InboxFactory
from tests.ui.conftest import log_in, screenshot
from tests.ui.helpers import first_email, sent_step_one

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_log_in_and_see_the_dashboard_charts(page: Any, live_server: Any, operator: Any) -> None:
    sent_step_one(key="lisbon-1")
    InboxFactory(key="porto-1")
    log_in(page, live_server, wait_for="#dashboard")
    expect(page.locator("#emergency-stop")).to_contain_text("Sending is running")
    charts = page.locator("svg.jc[role=img]")
    labels = [charts.nth(i).get_attribute("aria-label") for i in range(charts.count())]
    assert "lisbon-1: sends per day against the warmup limit, and the next 5 weeks" in labels
    assert "porto-1: sends per day against the warmup limit, and the next 5 weeks" in labels
    assert "Prospects by stage" in labels
    # The charts are drawn, not empty boxes: the stylesheet loaded and bars have a size.
    box = page.locator("#funnel svg.jc").bounding_box()
    assert box is not None and box["width"] > 200
    assert page.locator("#warmup .jc-limit").count() >= 2
    screenshot(page, "dashboard")


def test_turn_the_emergency_stop_on_and_off(page: Any, live_server: Any, operator: Any) -> None:
    log_in(page, live_server, wait_for="#dashboard")
    page.click("#emergency-stop button")
    page.fill("#id_reason", "testing the brakes")
    screenshot(page, "emergency-stop-confirm")
    page.click("#confirm")
    expect(page.locator("#emergency-stop")).to_contain_text("Emergency stop is ON")
    assert emergency_stop_active()
    page.click("#emergency-stop button")
    expect(page.locator("#emergency-stop")).to_contain_text("Sending is running")
    assert not emergency_stop_active()


def test_pause_and_resume_an_inbox_by_clicking(page: Any, live_server: Any, operator: Any) -> None:
    inbox = InboxFactory(key="porto-1")
    log_in(page, live_server, wait_for="#dashboard")
    page.goto(f"{live_server.url}/admin/inboxes/inbox/{inbox.pk}/change/")
    page.fill("#inbox-actions input[name=reason]", "too many bounces at gmail")
    page.click("#pause-inbox")
    expect(page.locator("#inbox-status")).to_have_text("paused")
    inbox.refresh_from_db()
    assert (inbox.status, inbox.pause_reason) == (Inbox.Status.PAUSED, "too many bounces at gmail")
    screenshot(page, "inbox-paused")
    page.click("#resume-inbox")
    expect(page.locator("#inbox-status")).to_have_text("active")
    inbox.refresh_from_db()
    assert inbox.status == Inbox.Status.ACTIVE


def test_replay_a_dead_letter(page: Any, live_server: Any, operator: Any) -> None:
    letter = deadletter_create(
        kind=DeadLetter.Kind.ENRICHMENT,
        error="FetchError: http://hotel.example/: no answer within 10 s",
        task_name="prospects.tasks.enrich_prospect",
        payload={"args": [7]},
        attempts=3,
    )
    log_in(page, live_server, wait_for="#dashboard")
    page.click("text=Review dead letters")
    group = page.locator("[data-kind=enrichment]")
    expect(group).to_contain_text("no answer within 10 s")
    screenshot(page, "dead-letters")
    group.locator("[data-action=replay]").click()
    expect(page.locator(".jd-confirm h2")).to_contain_text("Replay dead letter")
    page.click("#confirm")
    expect(page.locator(".messagelist")).to_contain_text("replay done")
    letter.refresh_from_db()
    assert letter.resolution == DeadLetter.Resolution.REPLAYED


def test_open_a_prospect_timeline(page: Any, live_server: Any, operator: Any) -> None:
    inbox, (enrollment,) = sent_step_one()
    email = first_email(enrollment)
    InboundMessage.objects.create(
        inbox=inbox,
        kind="reply",
        intent="meeting_request",
        prospect=enrollment.prospect,
        matched_outbound=email,
        from_address=email.recipient,
        subject=f"Re: {email.subject}",
        body_text="Could we talk on Tuesday?",
        received_at=email.sent_at + timedelta(minutes=30),
    )
    log_in(page, live_server, wait_for="#dashboard")
    page.goto(f"{live_server.url}/admin/prospects/prospect/")
    page.get_by_role("link", name=enrollment.prospect.name, exact=True).click()
    thread = page.locator(f"#thread-enrollment-{enrollment.pk}")
    expect(thread.locator("article")).to_have_count(2)
    thread.locator(".is-in summary").click()
    expect(thread.locator(".is-in pre")).to_have_text("Could we talk on Tuesday?")
    page.click(f"#timeline a[href='#out-{email.pk}']")
    expect(page).to_have_url(
        f"{live_server.url}/admin/prospects/prospect/{enrollment.prospect_id}/change/#out-{email.pk}"
    )
    expect(page.locator("#timeline")).to_contain_text("Email sent (step 1)")
    screenshot(page, "prospect-timeline")
