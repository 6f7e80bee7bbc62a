"""GET /api/status/rate-limits: the contract's shape, authentication, and live numbers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.urls import re_path
from rest_framework.test import APIClient

from aiengine import ratelimit
from aiengine.api import RateLimitStatus
from core.ratelimit import vendor_call
from jengu.urls import urlpatterns as project_urls

# The project's routes first: once jengu/urls.py serves this path, that is what gets tested.
urlpatterns = [
    *project_urls,
    re_path(r"^api/status/rate-limits/?$", RateLimitStatus.as_view(), name="status-rate-limits"),
]
pytestmark = [pytest.mark.urls(__name__), pytest.mark.django_db]

URL = "/api/status/rate-limits"
T0 = datetime(2026, 5, 4, 9, 30, 10, tzinfo=UTC)


@pytest.fixture
def keys(settings: Any) -> None:
    settings.JENGU = {
        **settings.JENGU,
        "AI_PROVIDER_ORDER": ["anthropic", "grok"],
        "AI_DAILY_BUDGET_USD": 5.0,
    }
    settings.ANTHROPIC_API_KEY, settings.GROK_API_KEY, settings.OPENAI_API_KEY = "a", "", ""
    settings.HUNTER_API_KEY, settings.APOLLO_API_KEY, settings.MILLIONVERIFIER_API_KEY = "h", "", ""


def _by_name(body: dict) -> dict[str, dict]:
    return {entry["provider"]: entry for entry in body["providers"]}


def test_anonymous_callers_are_turned_away(anon_client: APIClient) -> None:
    assert anon_client.get(URL).status_code in (401, 403)


def test_the_shape_follows_the_contract(user_api: APIClient, keys: None) -> None:
    response = user_api.get(URL)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"providers", "budget"}
    names = [entry["provider"] for entry in body["providers"]]
    assert names == ["anthropic", "grok", "openai", "hunter", "apollo", "millionverifier"]
    for entry in body["providers"]:
        assert {"provider", "configured", "minute", "day", "backoff_until", "last_error"} <= set(
            entry
        )
        assert {"requests", "requests_limit", "tokens", "tokens_limit"} <= set(entry["minute"])
        assert {"tokens", "tokens_limit"} <= set(entry["day"])
    assert {"spent_usd", "limit_usd"} <= set(body["budget"])
    configured = {name: entry["configured"] for name, entry in _by_name(body).items()}
    assert configured == {
        "anthropic": True,
        "grok": False,
        "openai": False,
        "hunter": True,
        "apollo": False,
        "millionverifier": False,
    }


def test_limits_show_defaults_and_overrides(
    api: APIClient, keys: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AI_LIMITS_OPENAI", "30/40k/-")
    providers = _by_name(api.get(URL).json())
    assert providers["grok"]["minute"]["requests_limit"] == 60
    assert providers["grok"]["minute"]["tokens_limit"] == 100_000
    assert providers["grok"]["day"]["tokens_limit"] == 1_000_000
    assert providers["openai"]["minute"] == {
        "requests": 0,
        "requests_limit": 30,
        "tokens": 0,
        "tokens_limit": 40_000,
    }
    assert providers["openai"]["day"]["tokens_limit"] is None
    assert providers["millionverifier"]["day"]["requests_limit"] == 10_000
    assert providers["hunter"]["minute"]["requests_limit"] == 100


def test_usage_backoff_and_budget_are_live(api: APIClient, keys: None) -> None:
    with time_machine.travel(T0, tick=False) as traveller:
        held = ratelimit.reserve("anthropic", tokens=900, cost_usd=Decimal("0.01"))
        ratelimit.settle(held, tokens_in=300, tokens_out=100, cost_usd=Decimal("0.0015"))
        with vendor_call("hunter", purpose="find"):
            pass
        ratelimit.backoff_open("grok", retry_after=45, error="HTTP 429: slow down")
        body = api.get(URL + "/").json()
        providers = _by_name(body)
        assert providers["anthropic"]["minute"]["requests"] == 1
        assert providers["anthropic"]["minute"]["tokens"] == 400
        assert providers["anthropic"]["day"]["tokens"] == 400
        assert providers["hunter"]["day"]["requests"] == 1
        assert providers["grok"]["backoff_until"] == "2026-05-04T09:30:55Z"
        assert providers["grok"]["last_error"] == "HTTP 429: slow down"
        assert providers["anthropic"]["backoff_until"] is None
        assert body["budget"]["spent_usd"] == pytest.approx(0.0015)
        assert body["budget"]["limit_usd"] == 5.0

        traveller.shift(timedelta(minutes=2))
        providers = _by_name(api.get(URL).json())
        assert providers["anthropic"]["minute"]["requests"] == 0  # a new minute
        assert providers["anthropic"]["day"]["tokens"] == 400
        assert providers["grok"]["backoff_until"] is None  # over
        assert providers["grok"]["last_error"] == "HTTP 429: slow down"
