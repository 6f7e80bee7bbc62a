"""GDPR in Chromium: the prospect page's "Export (JSON)" link downloads the prospect, and the
"Erase personal data (GDPR)" action asks first, then erases; the suppression list shows the
erased subject by its hash only."""

from __future__ import annotations

import json
from typing import Any

import pytest
from playwright.sync_api import expect

from compliance.models import Suppression
from prospects.models import Prospect
from tests.factories import ContactFactory
from tests.ui.conftest import log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_export_then_erase_a_prospect_in_the_browser(
    page: Any, live_server: Any, operator: Any
) -> None:
    contact = ContactFactory(name="Leopoldine Marchetti", email="leopoldine@marchetti.example")
    prospect = contact.prospect
    log_in(page, live_server, wait_for="#user-tools")

    page.goto(f"{live_server.url}/admin/prospects/prospect/{prospect.pk}/change/")
    link = page.locator("#gdpr-export")
    expect(link).to_have_text("Export (JSON)")
    with page.expect_download() as download:
        link.click()
    exported = json.loads(download.value.path().read_text(encoding="utf-8"))
    assert exported["contacts"][0]["email"] == contact.email

    page.goto(f"{live_server.url}/admin/prospects/prospect/")
    page.locator(f"input.action-select[value='{prospect.pk}']").check()
    page.select_option("select[name=action]", "erase_personal_data")
    page.locator("button[name=index]").click()
    expect(page.locator("#content-main h2")).to_contain_text("Erase the personal data of 1")
    screenshot(page, "gdpr-erase-confirm")
    assert Prospect.objects.filter(pk=prospect.pk).exists()  # asked, not done

    page.locator("#confirm-erase").click()
    expect(page.locator(".messagelist")).to_contain_text("1 prospect(s) erased")
    assert not Prospect.objects.filter(pk=prospect.pk).exists()

    page.goto(f"{live_server.url}/admin/compliance/suppression/")
    expect(page.locator("#result_list")).to_contain_text("erased subject (hash ")
    assert "leopoldine" not in page.content().lower()
    assert Suppression.objects.get().is_hashed
