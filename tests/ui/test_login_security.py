"""Login security in Chromium: the admin login locks out after N failures until unlocked, and
an admin who must use two-factor sets it up from the QR page, then logs in with a code."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from django.core.management import call_command
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from tests.ui.conftest import OPERATOR_PASSWORD, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def submit_login(page: Any, live_server: Any, password: str, otp: str | None = None) -> None:
    page.goto(f"{live_server.url}/admin/login/?next=/admin/")
    page.fill("#id_username", "operator")
    page.fill("#id_password", password)
    if otp is not None:
        page.fill("#id_otp_token", otp)
    page.click("input[type=submit]")


def code(device: TOTPDevice, drift: int = 0) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, drift):06d}"


def test_the_admin_login_locks_out_after_n_failures_until_unlocked(
    page: Any, live_server: Any, operator: Any, settings: Any
) -> None:
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(2):
        submit_login(page, live_server, "wrong password")
        expect(page.locator(".errornote")).to_contain_text("enter the correct username")
    submit_login(page, live_server, "wrong password")
    expect(page.locator("#locked-out")).to_contain_text("Too many failed logins")
    screenshot(page, "login-locked-out")
    submit_login(page, live_server, OPERATOR_PASSWORD)  # the right one is refused too
    expect(page.locator("#locked-out")).to_be_visible()

    call_command("unlock_login", "--username", "operator")
    submit_login(page, live_server, OPERATOR_PASSWORD)
    expect(page.locator("#user-tools")).to_contain_text("Two-factor")


def test_a_required_admin_sets_up_two_factor_then_logs_in_with_a_code(
    page: Any, live_server: Any, operator: Any, settings: Any
) -> None:
    settings.JENGU_REQUIRE_2FA = True
    submit_login(page, live_server, OPERATOR_PASSWORD, otp="")  # no device yet
    page.wait_for_url("**/admin/2fa/setup/**")
    expect(page.locator("#totp-qr svg")).to_be_visible()
    secret = page.locator("#totp-secret").inner_text()
    device = TOTPDevice.objects.get(user=operator, confirmed=False)
    assert base64.b32decode(secret) == device.bin_key
    screenshot(page, "two-factor-setup")
    page.fill("#id_otp_token", code(device))
    page.click("#twofactor-form input[type=submit]")
    expect(page.locator("ul.messagelist")).to_contain_text("Two-factor authentication is on")

    page.click("#logout-form button")
    submit_login(page, live_server, OPERATOR_PASSWORD, otp=code(device, drift=1))
    expect(page.locator("#user-tools")).to_contain_text("Two-factor")
    assert page.url.endswith("/admin/")

    page.click("#logout-form button")
    submit_login(page, live_server, OPERATOR_PASSWORD, otp="000000")
    expect(page.locator(".errornote")).to_contain_text("Invalid token")
