"""Every admin changelist and change page in Chromium, checked for an unfinished look.

The pages come from ``admin.site._registry``, so a model registered later is looked at too,
with a row (``tests.ui.admin_rows``). At 1440 px each page is screenshot (under the test's
tmp dir, named in the failure) and checked whole; at 1280 px the changelists' columns are
checked again. One browser, one login, one tab for all of them.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib import admin
from django.db import models
from django.urls import reverse

from tests.ui.admin_rows import LONG_SUBJECT, ensure_row, ensure_rows, seed_admin_rows
from tests.ui.layout import layout_problems

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]
PASSWORD = "pw-operator-1"


def _pages(shown: dict[type[models.Model], models.Model]) -> Iterator[tuple[str, str]]:
    """(name, url) of every changelist and of the change page of a row (``shown``'s, for the
    models whose richest row is not their first)."""
    for model in sorted(admin.site._registry, key=lambda m: m._meta.label):
        info = (model._meta.app_label, model._meta.model_name)
        yield f"{info[0]}.{info[1]}.list", reverse("admin:{}_{}_changelist".format(*info))
        row = shown.get(model) or ensure_row(model)
        yield (
            f"{info[0]}.{info[1]}.change",
            reverse("admin:{}_{}_change".format(*info), args=[row.pk]),
        )


def _log_in(page: Any, live_server: Any) -> None:
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "operator")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_selector("#user-tools")


def _look(page: Any, url: str) -> list[str]:
    response = page.goto(url)
    if response is None or response.status != 200:
        return [f"answered {response.status if response else 'nothing'}"]
    if "/login/" in page.url or "/2fa/" in page.url:
        return [f"sent to {page.url}"]
    return layout_problems(page)


def test_every_admin_page_fits_the_window_and_its_columns_read_on_one_line(
    browser: Any, live_server: Any, django_user_model: Any, tmp_path: Path
) -> None:
    django_user_model.objects.create_superuser("operator", password=PASSWORD)
    shown = seed_admin_rows()
    ensure_rows()
    pages = list(_pages(shown))
    assert len(pages) == 2 * len(admin.site._registry)
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    context.set_default_timeout(15_000)
    tab = context.new_page()
    _log_in(tab, live_server)
    failures: list[str] = []
    for name, path in pages:
        problems = _look(tab, live_server.url + path)
        shot = tmp_path / f"{name}-1440.png"
        tab.screenshot(path=str(shot), full_page=True)
        failures += [f"{name} at 1440 px ({shot}): {p}" for p in problems]
    tab.set_viewport_size({"width": 1280, "height": 900})
    for name, path in pages:
        if name.endswith(".list"):
            problems = _look(tab, live_server.url + path)
            shot = tmp_path / f"{name}-1280.png"
            tab.screenshot(path=str(shot), full_page=True)
            failures += [f"{name} at 1280 px ({shot}): {p}" for p in problems]
    failures += _named_columns(tab, live_server.url)
    context.close()
    assert not failures, "\n".join(failures)


def _named_columns(tab: Any, base: str) -> list[str]:
    """At 1280 px, the columns an operator asked for by name: the outbound email's subject on
    one line with the whole subject as its tooltip, the prospect's created date in view."""
    failures = []
    tab.goto(f"{base}/admin/outreach/outboundemail/")
    subject = tab.locator(f'td.field-subject_line [title="{LONG_SUBJECT}"]')
    box = subject.bounding_box()
    if box is None or box["height"] > 24:
        failures.append(f"outbound subject is not one line: {box}")
    tab.goto(f"{base}/admin/prospects/prospect/")
    created = tab.locator("th.column-created_at").bounding_box()
    if created is None or created["x"] + created["width"] > 1280:
        failures.append(f"prospects: the created column is not in view: {created}")
    return failures
