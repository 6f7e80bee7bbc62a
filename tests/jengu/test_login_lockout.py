"""Lockout after repeated failed logins (django-axes) on POST /api/auth/token, and the unlock
command. The browser side (the admin login) is tests/ui/test_login_security.py."""

from __future__ import annotations

from typing import Any

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.test import RequestFactory
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from core.security.lockout import client_ip

PASSWORD = "pw-login-123"


@pytest.fixture
def alice(django_user_model: Any) -> Any:
    return django_user_model.objects.create_user("alice", password=PASSWORD)


@pytest.fixture(autouse=True)
def _limit(settings: Any) -> None:
    settings.AXES_FAILURE_LIMIT = 3


def token(password: str, *, ip: str = "203.0.113.7", username: str = "alice") -> Any:
    return APIClient(REMOTE_ADDR=ip).post(
        "/api/auth/token", {"username": username, "password": password}, format="json"
    )


@pytest.mark.django_db
def test_the_token_endpoint_answers_the_users_token(alice: Any) -> None:
    answer = token(PASSWORD)
    assert answer.status_code == 200, answer.content
    assert answer.json() == {"token": Token.objects.get(user=alice).key}
    again = APIClient().get("/api/emails", HTTP_AUTHORIZATION=f"Token {answer.json()['token']}")
    assert again.status_code != 401
    assert token(PASSWORD).json() == answer.json()  # one token per user, the same each time


@pytest.mark.django_db
def test_bad_credentials_are_a_400_and_a_missing_field_is_named(alice: Any) -> None:
    wrong = token("nope")
    assert wrong.status_code == 400
    assert wrong.json()["code"] == "invalid_credentials"
    missing = APIClient().post("/api/auth/token/", {"username": "alice"}, format="json")
    assert missing.status_code == 400
    assert missing.json()["fields"] == {"password": ["This field is required."]}


@pytest.mark.django_db
def test_n_failures_lock_the_user_out_from_that_address_until_unlocked(alice: Any) -> None:
    assert [token("wrong").status_code for _ in range(2)] == [400, 400]
    third = token("wrong")
    assert third.status_code == 429
    assert third.json()["code"] == "locked_out"
    assert "locked out for 30 minutes" in third.json()["detail"]

    right = token(PASSWORD)  # the right password no longer helps from there
    assert right.status_code == 429 and right.json()["code"] == "locked_out"
    # per user AND address: the real user elsewhere is not locked out by a stranger
    assert token(PASSWORD, ip="198.51.100.9").status_code == 200
    assert token("x", username="bob").status_code == 400  # other names from there still tried

    call_command("unlock_login", "--username", "alice")
    assert token(PASSWORD).status_code == 200


@pytest.mark.django_db
def test_a_success_before_the_limit_forgets_the_failures(alice: Any) -> None:
    token("wrong"), token("wrong")
    assert token(PASSWORD).status_code == 200
    assert [token("wrong").status_code for _ in range(2)] == [400, 400]


@pytest.mark.django_db
def test_unlock_command_is_idempotent_and_says_what_it_unlocked(alice: Any, capsys: Any) -> None:
    for _ in range(3):
        token("wrong")
    token("wrong", ip="198.51.100.9")
    call_command("unlock_login", "--ip", "203.0.113.7")
    out = capsys.readouterr().out
    assert "Unlocked alice from 203.0.113.7 (3 failed logins forgotten)" in out
    assert AccessAttempt.objects.filter(ip_address="198.51.100.9").exists()
    call_command("unlock_login", "--ip", "203.0.113.7")
    assert "Nothing to unlock" in capsys.readouterr().out
    call_command("unlock_login", "--all")
    assert "Unlocked alice from 198.51.100.9" in capsys.readouterr().out
    assert not AccessAttempt.objects.exists()


@pytest.mark.django_db
def test_unlock_command_needs_a_target() -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--all"):
        call_command("unlock_login")


@pytest.mark.django_db
def test_axes_own_reset_command_unlocks_too(alice: Any) -> None:
    for _ in range(3):
        token("wrong")
    call_command("axes_reset_username", "alice")
    assert token(PASSWORD).status_code == 200


@pytest.mark.django_db
def test_test_clients_log_in_as_before(client: Any, alice: Any) -> None:
    # client.login passes a request (tests/conftest.py) and force_login needs none
    assert client.login(username="alice", password=PASSWORD)
    client.logout()
    assert not client.login(username="alice", password="wrong")
    client.force_login(alice)
    assert client.get("/admin/2fa/setup/").status_code in (200, 302)


def test_the_client_address_behind_proxies(settings: Any) -> None:
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.4, 10.0.0.1"
    )
    settings.JENGU_PROXY_COUNT = 0
    assert client_ip(request) == "10.0.0.2"  # no proxy trusted: the header is the client's
    settings.JENGU_PROXY_COUNT = 2
    assert client_ip(request) == "198.51.100.4"  # never the forged left-most entry
    settings.JENGU_PROXY_COUNT = 5
    assert client_ip(request) == "10.0.0.2"
