"""The unified inbox in Chromium: the Replies list, a reply's thread, and an answer typed in
the browser that reaches the SMTP test server threaded. Screenshots go to test-artifacts/."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django_q.conf import Conf
from playwright.sync_api import expect

from outreach.models import OutboundEmail, Reply
from tests.outreach.helpers import parsed
from tests.outreach.replies_world import reply_to, sent_and_replied
from tests.ui.conftest import log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _no_horizontal_overflow(page: Any) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], width
    clipped = page.evaluate(
        "[...document.querySelectorAll('.results')].some(e => e.scrollWidth > e.clientWidth)"
    )
    assert not clipped, "the list is wider than its box: columns are cut off"


@pytest.mark.parametrize("width", [1280, 1440])
def test_the_list_from_the_home_page(
    page: Any, live_server: Any, operator: Any, smtp_server: Any, settings: Any, width: int
) -> None:
    t = sent_and_replied(smtp_server, settings)
    no_thanks = reply_to(
        t.first,
        t.inbox,
        "No thank you, not interested.",
        msgid="<r2@h.example>",
        subject="A very long subject line that a hotel manager typed without ever stopping " * 3,
    )
    assert no_thanks.intent == "not_interested"
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, live_server, wait_for="#link-replies")
    expect(page.locator("#link-replies")).to_contain_text("2 unread")
    page.click("#link-replies a")
    row = page.locator("#result_list tbody tr").last  # newest first: the first reply is last
    expect(row).to_contain_text(t.first.recipient)
    expect(row.locator(".rp-intent")).to_have_text("interested")
    expect(row).to_contain_text("unread")
    expect(row).to_contain_text(t.enrollment.campaign.name)
    expect(row.locator("td.field-inbox_key")).to_have_text(t.inbox.key)
    expect(page.locator("#result_list tbody tr")).to_have_count(2)
    screenshot(page, f"replies-list-{width}")
    _no_horizontal_overflow(page)  # the long subject is cut with an ellipsis, not the table
    page.click("#changelist-filter a[href*='needs_human=yes']")
    expect(page.locator("#result_list tbody tr")).to_have_count(1)
    expect(page.locator("#result_list tbody tr").first).to_contain_text(t.first.recipient)
    _no_horizontal_overflow(page)


@pytest.mark.parametrize("width", [1280, 1440])
def test_the_thread_with_the_quote_collapsed_and_the_prospect_card(
    page: Any, live_server: Any, operator: Any, smtp_server: Any, settings: Any, width: int
) -> None:
    t = sent_and_replied(smtp_server, settings)
    page.set_viewport_size({"width": width, "height": 1000})
    log_in(page, live_server, wait_for="#link-replies")
    page.goto(f"{live_server.url}/admin/outreach/reply/{t.reply.pk}/change/")
    messages = page.locator("#thread article.rp-msg")
    expect(messages).to_have_count(2)
    expect(messages.nth(0)).to_contain_text("Step 1")
    expect(messages.nth(1)).to_contain_text("This sounds interesting")
    quote = messages.nth(1).locator("details")
    expect(quote.locator("pre")).not_to_be_visible()  # collapsed until asked
    quote.locator("summary").click()
    expect(quote.locator("pre")).to_be_visible()
    expect(page.locator("#prospect-card")).to_contain_text(t.enrollment.prospect.name)
    expect(page.locator("#prospect-stage")).to_have_text("Engaged")
    page.select_option("select[name=intent]", "meeting_request")
    page.click("button[value=intent]")
    expect(page.locator("#prospect-stage")).to_have_text("Meeting")
    screenshot(page, f"replies-thread-{width}")
    _no_horizontal_overflow(page)


def test_an_answer_typed_in_the_browser_reaches_the_smtp_server_threaded(
    page: Any,
    live_server: Any,
    operator: Any,
    smtp_server: Any,
    settings: Any,
    monkeypatch: Any,
) -> None:
    monkeypatch.setattr(Conf, "SYNC", True)  # the worker's task runs in the request's thread
    t = sent_and_replied(smtp_server, settings)
    log_in(page, live_server, wait_for="#link-replies")
    page.goto(f"{live_server.url}/admin/outreach/reply/{t.reply.pk}/change/")
    page.click("button[value=suggest]")
    expect(page.locator("#id_body")).to_have_value(re.compile("Best regards"))
    page.fill("#id_body", "Thank you! Would Tuesday at 10:00 suit you?")
    page.click("button[value=answer]")
    expect(page.locator(".messagelist")).to_contain_text("Answer queued")
    (arrived,) = smtp_server.wait_for_messages(2)[1:]
    message = parsed(arrived.raw)
    assert message["In-Reply-To"] == t.reply.message_id
    assert message["References"].split() == [t.first.message_id, t.reply.message_id]
    assert message["Subject"] == f"Re: {t.first.subject}"
    assert message["From"].addresses[0].addr_spec == t.inbox.address
    assert "Tuesday at 10:00" in message.get_body().get_content()
    assert OutboundEmail.objects.get(strategy="answer").status == "sent"
    page.reload()
    expect(page.locator("#thread article.rp-msg")).to_have_count(3)
    expect(page.locator("#thread article.rp-msg").nth(2)).to_contain_text("Answer")
    assert Reply.objects.get(pk=t.reply.pk).read_at is not None
    screenshot(page, "replies-answered")
