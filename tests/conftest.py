"""Shared fixtures. Real servers live in tests/servers (registered below)."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client, RequestFactory
from hypothesis import settings as hypothesis_settings
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.servers.llm import AnthropicFake, OpenAIFake

pytest_plugins = ["tests.servers.fixtures", "tests.servers.fixtures_more"]

# CI explores the same examples on every run (a red build always means a change broke it);
# locally every run explores new ones.
hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")

logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every SMTP command

_client_login = Client.login


def _login_with_a_request(self: Client, **credentials: Any) -> bool:
    """``client.login()`` with a request, as a real login has: django-axes refuses any
    ``authenticate()`` without one (that is how it counts failures per client address)."""
    credentials.setdefault("request", RequestFactory().post("/admin/login/"))
    return _client_login(self, **credentials)


Client.login = _login_with_a_request  # type: ignore[method-assign, assignment]

REQUIRE_POSTGRES = os.environ.get("JENGU_REQUIRE_POSTGRES") == "1"
_skipped_postgres: list[str] = []


def on_postgres() -> bool:
    return connection.vendor == "postgresql"


def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("postgres") and not on_postgres():
        if REQUIRE_POSTGRES:
            pytest.fail("this test needs PostgreSQL and JENGU_REQUIRE_POSTGRES=1 is set")
        pytest.skip("needs PostgreSQL (set DATABASE_URL=postgres://...)")


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.skipped and "postgres" in report.keywords:
        _skipped_postgres.append(report.nodeid)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if REQUIRE_POSTGRES and _skipped_postgres:
        print(
            "\nPostgreSQL tests were skipped on the PostgreSQL run:", *_skipped_postgres, sep="\n  "
        )
        session.exitstatus = 1


@pytest.fixture(autouse=True)
def _isolated_var(settings: Any, tmp_path: Any) -> None:
    """Each test gets its own Maildir root and media root; nothing leaks between tests."""
    settings.JENGU = {
        **settings.JENGU,
        "MAILDIR_ROOT": str(tmp_path / "maildir"),
        "SEND_GAP_SECONDS": "0",
        "ALERT_WEBHOOK_URL": "",
        # The sending tests' Tuesday 1 December 2026 is a public holiday in Portugal, the
        # factories' country: holidays are off here and on in tests/outreach/test_blackout.py.
        "SKIP_HOLIDAYS": False,
    }
    settings.MEDIA_ROOT = str(tmp_path / "media")
    # A fresh in-memory cache per test: throttle counters and the like never leak between tests.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": tmp_path.name,
        }
    }


@pytest.fixture
def anon_client() -> APIClient:
    return APIClient()


def _token_client(user: Any) -> APIClient:
    token, _ = Token.objects.get_or_create(user=user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def with_role(user: Any, role: str | None) -> Any:
    """Put ``user`` in the group of ``role`` (core.roles); None leaves it without a role."""
    if role:
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    return user


@pytest.fixture
def role_user(django_user_model: Any) -> Any:
    """``role_user("viewer")``: a new user with that role (None: a user with no role)."""

    def make(role: str | None, username: str | None = None) -> Any:
        name = username or f"{role or 'norole'}-user"
        user = django_user_model.objects.create_user(name, password=f"pw-{name}-1")
        return with_role(user, role)

    return make


@pytest.fixture
def staff_user(django_user_model: Any) -> Any:
    """The API's all-rights user: the ``admin`` role (not staff: roles come from groups)."""
    user = django_user_model.objects.create_user("operator", password="pw-operator-1")
    return with_role(user, "admin")


@pytest.fixture
def api(staff_user: Any) -> APIClient:
    """An API client authenticated with the token of a user with the admin role."""
    return _token_client(staff_user)


@pytest.fixture
def user_api(django_user_model: Any) -> APIClient:
    """An API client authenticated as a viewer (GET only)."""
    user = django_user_model.objects.create_user("viewer", password="pw-viewer-1")
    return _token_client(with_role(user, "viewer"))


@pytest.fixture
def operator_api(django_user_model: Any) -> APIClient:
    """An API client authenticated as an operator."""
    user = django_user_model.objects.create_user("op", password="pw-op-1")
    return _token_client(with_role(user, "operator"))


@pytest.fixture
def capture_on_commit(django_capture_on_commit_callbacks: Any) -> Iterator[Any]:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        yield callbacks


@pytest.fixture
def llms(
    settings: Any,
    grok_server: OpenAIFake,
    anthropic_server: AnthropicFake,
    openai_server: OpenAIFake,
) -> dict[str, Any]:
    """All three LLM providers configured, in the default order, pointing at the fakes."""
    settings.JENGU = {
        **settings.JENGU,
        "AI_PROVIDER_ORDER": ["grok", "anthropic", "openai"],
        "AI_TIMEOUT": 5.0,
        "AI_DAILY_BUDGET_USD": 10.0,
    }
    settings.GROK_API_KEY, settings.GROK_BASE_URL = grok_server.api_key, grok_server.base_url
    settings.ANTHROPIC_API_KEY = anthropic_server.api_key
    settings.ANTHROPIC_BASE_URL = anthropic_server.url
    settings.OPENAI_API_KEY, settings.OPENAI_BASE_URL = (
        openai_server.api_key,
        openai_server.base_url,
    )
    settings.GROK_MODEL, settings.ANTHROPIC_MODEL = "grok-3-mini", "claude-haiku-4-5"
    settings.OPENAI_MODEL = "gpt-4o-mini"
    return {"grok": grok_server, "anthropic": anthropic_server, "openai": openai_server}


@pytest.fixture
def no_keys(settings: Any) -> None:
    settings.GROK_API_KEY = settings.ANTHROPIC_API_KEY = settings.OPENAI_API_KEY = ""
