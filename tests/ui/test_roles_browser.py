"""Roles in Chromium: a viewer and an operator (neither staff) sign in with the stock login form;
the viewer's pages are read only and show no button it may not press; the operator works on
prospects but never sees an inbox's password. Screenshots go to test-artifacts/."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Group

from tests.factories import InboxFactory, ProspectFactory
from tests.ui.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "pw-role-user-1"


def _sign_in(page: Any, live_server: Any, django_user_model: Any, role: str) -> None:
    user = django_user_model.objects.create_user(f"{role}-ana", password=PASSWORD)
    user.groups.add(Group.objects.get(name=role))  # the groups come back after each flush
    page.goto(f"{live_server.url}/admin/login/?next=/admin/")
    page.fill("#id_username", f"{role}-ana")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_selector("#emergency-stop")


def test_a_viewer_reads_everything_and_changes_nothing(
    page: Any, live_server: Any, django_user_model: Any
) -> None:
    prospect = ProspectFactory(name="Casa Azul")
    _sign_in(page, live_server, django_user_model, "viewer")
    assert page.locator("#emergency-stop form").count() == 0  # no emergency-stop button
    page.goto(f"{live_server.url}/admin/prospects/prospect/")
    page.wait_for_selector("#result_list")
    assert page.locator("select[name=action]").count() == 0  # no action it could run
    assert page.get_by_text("Import prospects").count() == 0
    page.goto(f"{live_server.url}/admin/prospects/prospect/{prospect.pk}/change/")
    page.wait_for_selector("#content")
    assert "Casa Azul" in page.content()
    assert page.locator("input[name=_save]").count() == 0
    assert page.locator("input[name=name]").count() == 0  # shown as text, not a field
    screenshot(page, "roles-viewer-prospect")


def test_an_operator_works_on_prospects_but_sees_no_inbox_password(
    page: Any, live_server: Any, django_user_model: Any
) -> None:
    prospect = ProspectFactory(name="Casa Azul")
    inbox = InboxFactory(key="lisbon", password="inbox-pw-never-shown-77")
    _sign_in(page, live_server, django_user_model, "operator")
    page.goto(f"{live_server.url}/admin/prospects/prospect/{prospect.pk}/change/")
    assert page.locator("input[name=_save]").count() == 1
    page.goto(f"{live_server.url}/admin/inboxes/inbox/{inbox.pk}/change/")
    page.wait_for_selector("#inbox-actions")
    assert page.locator("#pause-inbox").count() == 1
    assert page.locator("input[name=_save]").count() == 0  # inboxes are the admin's
    assert "inbox-pw-never-shown-77" not in page.content()
    assert page.locator("input[name=password]").count() == 0
    screenshot(page, "roles-operator-inbox")
