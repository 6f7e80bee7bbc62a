"""The approval queue in Chromium: from the admin home to the queue, edit a draft, approve it,
and the edited email is what the next send pass delivers."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine
from playwright.sync_api import expect

from outreach.models import OutboundEmail
from outreach.services import run_send_pass
from tests.outreach.helpers import TUESDAY_10, parsed, smtp_inbox
from tests.ui.conftest import log_in, screenshot
from tests.ui.test_approval_page import BODY, drafts

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_edit_and_approve_one_draft_in_the_browser(
    page: Any, live_server: Any, operator: Any, smtp_server: Any, settings: Any
) -> None:
    first, second = drafts(2)
    log_in(page, live_server, wait_for="#link-approvals")
    expect(page.locator("#link-approvals")).to_contain_text("2 awaiting")
    screenshot(page, "approval-home-link")
    page.get_by_role("link", name="Approval queue").click()
    card = page.locator(f"#draft-{first.pk}")
    expect(card.locator(".ja-facts")).to_contain_text(first.prospect.name)
    expect(page.locator("#approval-count")).to_contain_text("2 first emails await approval")
    for width in (1280, 1440):  # nothing on the page is wider than the window
        page.set_viewport_size({"width": width, "height": 1000})
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), width
        screenshot(page, f"approval-queue-{width}")

    card.locator("input[name=subject]").fill("Guest emails at your hotel")
    card.locator("textarea[name=body_text]").fill(BODY)
    card.get_by_role("button", name="Approve").click()

    expect(page.locator("ul.messagelist")).to_contain_text(f"1 draft(s) approved: #{first.pk}.")
    expect(page.locator(f"#draft-{first.pk}")).to_have_count(0)
    expect(page.locator(f"#draft-{second.pk}")).to_have_count(1)
    email = OutboundEmail.objects.get(pk=first.pk)
    assert (email.status, email.subject, email.body_text) == (
        "queued",
        "Guest emails at your hotel",
        BODY,
    )
    OutboundEmail.objects.filter(pk=first.pk).update(inbox=smtp_inbox(smtp_server, settings))
    with time_machine.travel(TUESDAY_10, tick=False):
        assert run_send_pass().sent == 1  # the approved one only
    (message,) = smtp_server.messages
    assert parsed(message.raw)["Subject"] == "Guest emails at your hotel"
    assert OutboundEmail.objects.get(pk=second.pk).status == "awaiting_approval"
