"""Two-factor (TOTP, django-otp): required of the admin role with JENGU_REQUIRE_2FA=1, optional
for everyone, the stock login form without it; and the token endpoint's ``otp`` field."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
import time_machine
from axes.models import AccessAttempt
from django.contrib.auth.models import Group
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from core.models import AuditLog

PASSWORD = "pw-admin-123"


def code(device: TOTPDevice, *, drift: int = 0) -> str:
    """What the phone shows: RFC 6238 from the device's key (drift 1 = the next 30 s)."""
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, drift):06d}"


@pytest.fixture
def require_2fa(settings: Any) -> None:
    settings.JENGU_REQUIRE_2FA = True


@pytest.fixture
def boss(django_user_model: Any) -> Any:
    return django_user_model.objects.create_superuser("boss", password=PASSWORD)


@pytest.fixture
def worker(django_user_model: Any) -> Any:
    user = django_user_model.objects.create_user("worker", password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get_or_create(name="operator")[0])
    return user


def later(seconds: int = 5) -> Any:
    """After a wrong code django-otp refuses the device for 1 s, 2 s, 4 s... (throttling)."""
    return time_machine.travel(time.time() + seconds)


def admin_login(client: Client, username: str, otp: str | None = None) -> Any:
    data = {"username": username, "password": PASSWORD, "next": "/admin/"}
    if otp is not None:
        data["otp_token"] = otp
    return client.post("/admin/login/?next=/admin/", data)


def enrol(client: Client, user: Any) -> TOTPDevice:
    page = client.get("/admin/2fa/setup/")
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    done = client.post("/admin/2fa/setup/", {"otp_token": code(device), "next": "/admin/"})
    assert done.status_code == 302 and done["Location"] == "/admin/"
    device.refresh_from_db()
    assert device.confirmed
    return device


@pytest.mark.django_db
def test_without_the_setting_the_login_form_is_the_stock_one(client: Client) -> None:
    page = client.get("/admin/login/")
    assert list(page.context["form"].fields) == ["username", "password"]
    names = re.findall(r'<input[^>]* name="([^"]+)"', page.content.decode())
    assert names == ["csrfmiddlewaretoken", "username", "password", "next"]


@pytest.mark.django_db
def test_with_the_setting_the_login_form_asks_for_the_code(
    client: Client, require_2fa: Any
) -> None:
    page = client.get("/admin/login/")
    assert list(page.context["form"].fields) == ["username", "password", "otp_token"]
    assert 'name="otp_token"' in page.content.decode()


@pytest.mark.django_db
def test_an_admin_without_a_device_is_sent_to_setup_then_logs_in_with_a_code(
    client: Client, boss: Any, require_2fa: Any
) -> None:
    assert admin_login(client, "boss").status_code == 302  # password alone: no device yet
    home = client.get("/admin/")
    assert home.status_code == 302 and home["Location"].startswith("/admin/2fa/setup/")
    assert client.get("/api/emails").json()["code"] == "two_factor_required"

    setup = client.get(home["Location"])
    body = setup.content.decode()
    assert "<svg" in body and "must use two-factor" in body
    device = TOTPDevice.objects.get(user=boss, confirmed=False)
    assert re.search(r'id="totp-secret">([A-Z2-7]+)<', body)
    wrong = client.post("/admin/2fa/setup/", {"otp_token": "000000"})
    assert wrong.status_code == 200 and "not right" in wrong.content.decode()
    with later():
        enrol(client, boss)
    assert client.get("/admin/").status_code == 200
    assert AuditLog.objects.filter(action="two_factor.enrol", actor=boss).exists()

    client.logout()
    refused = admin_login(client, "boss")  # password alone no longer enough
    assert refused.status_code == 200 and "Please enter your OTP token" in refused.content.decode()
    wrong = admin_login(client, "boss", "123456")
    assert wrong.status_code == 200 and "Invalid token" in wrong.content.decode()
    assert AccessAttempt.objects.get(username="boss").failures_since_start == 1  # axes counts it
    assert client.get("/admin/").status_code == 302
    with later(10):
        ok = admin_login(client, "boss", code(device, drift=1))  # the setup's code is spent
    assert ok.status_code == 302 and ok["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


@pytest.mark.django_db
def test_an_operator_is_not_required(client: Client, worker: Any, require_2fa: Any) -> None:
    assert admin_login(client, "worker").status_code == 302
    assert client.get("/admin/").status_code == 200


@pytest.mark.django_db
def test_optional_enrolment_asks_for_the_code_after_the_stock_login(
    client: Client, worker: Any
) -> None:
    admin_login(client, "worker")
    assert "Two-factor" in client.get("/admin/").content.decode()  # the user menu's link
    device = enrol(client, worker)
    client.logout()
    assert admin_login(client, "worker").status_code == 302  # stock form: password only
    gate = client.get("/admin/")
    assert gate.status_code == 302 and gate["Location"].startswith("/admin/2fa/verify/")
    # a password-only session cannot swap the device for one of its own
    swap = client.get("/admin/2fa/setup/")
    assert swap.status_code == 302 and swap["Location"].startswith("/admin/2fa/verify/")
    assert client.post("/admin/2fa/verify/", {"otp_token": "999999"}).status_code == 200
    with later():
        done = client.post(
            "/admin/2fa/verify/", {"otp_token": code(device, drift=1), "next": "/admin/"}
        )
    assert done.status_code == 302 and done["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


@pytest.mark.django_db
def test_the_token_endpoint_wants_the_code_of_a_2fa_admin(
    boss: Any, worker: Any, require_2fa: Any
) -> None:
    def post(username: str, **extra: str) -> Any:
        body = {"username": username, "password": PASSWORD, **extra}
        return APIClient().post("/api/auth/token", body, format="json")

    assert post("worker").status_code == 200  # an operator: not required
    assert post("boss").json()["code"] == "two_factor_setup_required"
    device = TOTPDevice.objects.create(user=boss, name="phone", confirmed=True)
    missing = post("boss")
    assert missing.status_code == 400 and missing.json()["fields"] == {
        "otp": ["This field is required."]
    }
    wrong = post("boss", otp="123456")
    assert wrong.status_code == 400 and wrong.json()["code"] == "invalid_otp"
    with later():
        ok = post("boss", otp=code(device))
    assert ok.status_code == 200 and ok.json()["token"]
