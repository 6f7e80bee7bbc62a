"""The limiter as rows: windows, budget, backoff, vendor calls, and concurrent reservations."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest
import time_machine
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from aiengine import ratelimit
from aiengine.models import AIUsage
from aiengine.ratelimit import Limits, RateLimited, parse_limits, reserve, settle
from core.models import ProviderState, ProviderWindow
from core.ratelimit import vendor_call
from tests.servers.http import HTTPTestServer, Response

T0 = datetime(2026, 3, 2, 10, 15, 20, tzinfo=UTC)


def _window(provider: str, window: str) -> ProviderWindow:
    return ProviderWindow.objects.get(provider=provider, window=window)


@pytest.fixture
def travel() -> Any:
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


# --- grammar ------------------------------------------------------------------------------
def test_limit_grammar_accepts_suffixes_and_dashes() -> None:
    assert parse_limits("60/100k/1m", vendor=False) == Limits(rpm=60, tpm=100_000, tpd=1_000_000)
    assert parse_limits("10/-/2.5M", vendor=False) == Limits(rpm=10, tpm=None, tpd=2_500_000)
    assert parse_limits("100/500", vendor=True) == Limits(rpm=100, rpd=500)


@pytest.mark.parametrize("spec", ["60/100000", "a/b/c", "60/-5/1", ""])
def test_limit_grammar_rejects_nonsense(spec: str) -> None:
    with pytest.raises(ImproperlyConfigured):
        parse_limits(spec, vendor=False)


def test_defaults_and_env_overrides(monkeypatch: pytest.MonkeyPatch) -> None:
    assert ratelimit.limits_for("anthropic") == Limits(rpm=50, tpm=80_000, tpd=500_000)
    assert ratelimit.limits_for("hunter") == Limits(rpm=100, rpd=500)
    monkeypatch.setenv("AI_LIMITS_GROK", "5/1k/2k")
    monkeypatch.setenv("VENDOR_LIMITS_APOLLO", "7/70")
    assert ratelimit.limits_for("grok") == Limits(rpm=5, tpm=1_000, tpd=2_000)
    assert ratelimit.limits_for("apollo") == Limits(rpm=7, rpd=70)


# --- windows ------------------------------------------------------------------------------
@pytest.mark.django_db
def test_reservations_count_requests_and_tokens_per_minute_and_day(travel: Any) -> None:
    reserve("grok", tokens=500)
    reserve("grok", tokens=300)
    minute, day = _window("grok", "minute"), _window("grok", "day")
    assert (minute.requests, minute.tokens) == (2, 800)
    assert (day.requests, day.tokens) == (2, 800)
    assert minute.window_start == datetime(2026, 3, 2, 10, 15, tzinfo=UTC)
    assert day.window_start == datetime(2026, 3, 2, tzinfo=UTC)


@pytest.mark.django_db
def test_the_minute_request_limit_refuses_until_the_next_minute(
    monkeypatch: pytest.MonkeyPatch, travel: Any
) -> None:
    monkeypatch.setenv("AI_LIMITS_GROK", "2/-/-")
    reserve("grok")
    reserve("grok")
    with pytest.raises(RateLimited) as err:
        reserve("grok")
    assert err.value.reason == "requests_per_minute"
    assert err.value.retry_at == datetime(2026, 3, 2, 10, 16, tzinfo=UTC)
    assert _window("grok", "minute").requests == 2  # the refusal took nothing
    travel.shift(timedelta(seconds=40))
    reserve("grok")
    assert _window("grok", "day").requests == 3


@pytest.mark.django_db
def test_token_limits_per_minute_and_per_day(monkeypatch: pytest.MonkeyPatch, travel: Any) -> None:
    monkeypatch.setenv("AI_LIMITS_OPENAI", "-/1000/1500")
    reserve("openai", tokens=900)
    with pytest.raises(RateLimited) as err:
        reserve("openai", tokens=200)
    assert err.value.reason == "tokens_per_minute"
    travel.shift(timedelta(minutes=1))
    reserve("openai", tokens=500)
    with pytest.raises(RateLimited) as err:
        reserve("openai", tokens=200)
    assert err.value.reason == "tokens_per_day"
    assert err.value.retry_at == datetime(2026, 3, 3, tzinfo=UTC)
    travel.shift(timedelta(days=1))
    reserve("openai", tokens=200)


@pytest.mark.django_db
def test_settle_swaps_the_estimate_for_the_real_usage_and_records_it(travel: Any) -> None:
    held = reserve("anthropic", tokens=1000, cost_usd=Decimal("0.005"))
    usage = settle(
        held,
        tokens_in=220,
        tokens_out=80,
        cost_usd=Decimal("0.000620"),
        model="claude-haiku-4-5",
        purpose="write",
        latency_ms=412,
    )
    assert (_window("anthropic", "minute").tokens, _window("anthropic", "day").tokens) == (300, 300)
    assert _window("anthropic", "day").cost_usd == Decimal("0.000620")
    assert _window("budget", "day").cost_usd == Decimal("0.000620")
    stored = AIUsage.objects.get(pk=usage.pk)
    assert (stored.provider, stored.model, stored.purpose, stored.outcome) == (
        "anthropic",
        "claude-haiku-4-5",
        "write",
        "ok",
    )
    assert (stored.tokens_in, stored.tokens_out, stored.latency_ms) == (220, 80, 412)
    assert stored.cost_usd == Decimal("0.000620")


@pytest.mark.django_db
def test_settling_in_a_later_minute_corrects_the_minute_it_was_reserved_in(travel: Any) -> None:
    held = reserve("grok", tokens=1000)
    travel.shift(timedelta(seconds=50))
    settle(held, tokens_in=100, tokens_out=50)
    rows = ProviderWindow.objects.filter(provider="grok", window="minute")
    assert [(r.window_start.minute, r.tokens) for r in rows] == [(15, 150)]


# --- budget -------------------------------------------------------------------------------
@pytest.mark.django_db
def test_an_exhausted_daily_budget_stops_ai_calls_but_not_vendor_calls(
    settings: Any, travel: Any
) -> None:
    settings.JENGU = {**settings.JENGU, "AI_DAILY_BUDGET_USD": 0.01}
    held = reserve("grok", tokens=100, cost_usd=Decimal("0.004"))
    settle(held, tokens_in=80, tokens_out=20, cost_usd=Decimal("0.008"))
    with pytest.raises(RateLimited) as err:
        reserve("anthropic", tokens=100, cost_usd=Decimal("0.003"))
    assert err.value.reason == "daily_budget"
    reserve("hunter")  # vendors are not paid from the AI budget
    travel.shift(timedelta(days=1))
    reserve("anthropic", tokens=100, cost_usd=Decimal("0.003"))


@pytest.mark.django_db
def test_the_budget_counts_reservations_in_flight(settings: Any, travel: Any) -> None:
    settings.JENGU = {**settings.JENGU, "AI_DAILY_BUDGET_USD": 0.01}
    reserve("grok", cost_usd=Decimal("0.006"))  # not settled yet
    with pytest.raises(RateLimited):
        reserve("openai", cost_usd=Decimal("0.006"))


# --- backoff ------------------------------------------------------------------------------
@pytest.mark.django_db
def test_backoff_starts_at_30_seconds_and_doubles_to_300(travel: Any) -> None:
    waits = []
    for _ in range(6):
        until = ratelimit.backoff_open("grok", error="HTTP 429")
        waits.append(int((until - datetime.now(UTC)).total_seconds()))
        with pytest.raises(RateLimited) as err:
            reserve("grok")
        assert err.value.reason == "backoff" and err.value.retry_at == until
        travel.move_to(until + timedelta(seconds=1))
        reserve("grok")  # over: calls go through again
    assert waits == [30, 60, 120, 240, 300, 300]
    assert ProviderState.objects.get(provider="grok").last_error == "HTTP 429"


@pytest.mark.django_db
def test_a_success_resets_the_doubling(travel: Any) -> None:
    ratelimit.backoff_open("openai")
    travel.shift(timedelta(seconds=31))
    ratelimit.backoff_open("openai")  # 60 s
    travel.shift(timedelta(seconds=61))
    settle(reserve("openai"), tokens_in=5)
    until = ratelimit.backoff_open("openai")
    assert until - datetime.now(UTC) == timedelta(seconds=30)
    assert ProviderState.objects.get(provider="openai").last_success_at is not None


@pytest.mark.django_db
def test_a_longer_retry_after_wins_and_one_episode_doubles_once(travel: Any) -> None:
    until = ratelimit.backoff_open("anthropic", retry_after=90)
    assert until - datetime.now(UTC) == timedelta(seconds=90)
    again = ratelimit.backoff_open("anthropic", retry_after=5)  # a second 429 of the same burst
    assert again == until
    assert ProviderState.objects.get(provider="anthropic").backoff_seconds == 30


@pytest.mark.django_db
def test_backoff_of_one_provider_leaves_the_others_alone(travel: Any) -> None:
    ratelimit.backoff_open("grok")
    reserve("anthropic")
    reserve("hunter")


# --- vendors ------------------------------------------------------------------------------
@pytest.mark.django_db
def test_vendor_calls_count_requests_per_day(monkeypatch: pytest.MonkeyPatch, travel: Any) -> None:
    monkeypatch.setenv("VENDOR_LIMITS_HUNTER", "-/2")
    for _ in range(2):
        with vendor_call("hunter", purpose="find"):
            pass
    with pytest.raises(RateLimited) as err, vendor_call("hunter", purpose="find"):
        pytest.fail("the block must not run once the day is used up")
    assert err.value.reason == "requests_per_day"
    outcomes = list(AIUsage.objects.filter(provider="hunter").values_list("outcome", "purpose"))
    assert sorted(outcomes) == [("ok", "find"), ("ok", "find"), ("refused", "find")]


@pytest.mark.django_db
def test_a_vendor_429_raised_in_the_block_opens_a_backoff(travel: Any) -> None:
    server = HTTPTestServer()
    server.route("GET", "/v2/email-finder", lambda req: Response(429, {}, {"Retry-After": "45"}))
    with (
        server,
        httpx.Client(base_url=server.url) as http,
        pytest.raises(httpx.HTTPStatusError),
        vendor_call("hunter", purpose="find"),
    ):
        http.get("/v2/email-finder").raise_for_status()
    state = ProviderState.objects.get(provider="hunter")
    assert state.backoff_until == datetime.now(UTC) + timedelta(seconds=45)
    usage = AIUsage.objects.get(provider="hunter")
    assert usage.outcome == "rate_limited" and "429" in usage.error
    with pytest.raises(RateLimited), vendor_call("hunter"):
        pass


@pytest.mark.django_db
def test_a_vendor_error_is_recorded_and_reraised(travel: Any) -> None:
    with pytest.raises(ConnectionError), vendor_call("millionverifier", purpose="verify"):
        raise ConnectionError("connection refused")
    usage = AIUsage.objects.get(provider="millionverifier")
    assert (usage.outcome, usage.purpose) == ("error", "verify")
    assert "connection refused" in usage.error
    assert ProviderState.objects.get(provider="millionverifier").backoff_until is None


@pytest.mark.django_db
def test_a_vendor_429_reported_without_raising_opens_a_backoff(travel: Any) -> None:
    with vendor_call("apollo") as call:
        call.rate_limited(retry_after=None)
    with pytest.raises(RateLimited) as err:
        reserve("apollo")
    assert err.value.retry_at == datetime.now(UTC) + timedelta(seconds=30)


# --- concurrency (PostgreSQL) -------------------------------------------------------------
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_reservations_never_exceed_the_minute_limit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AI_LIMITS_GROK", "10/2500/-")
    granted: list[int] = []
    refused: list[str] = []
    errors: list[BaseException] = []
    start = threading.Barrier(24)

    def worker(tokens: int) -> None:
        try:
            start.wait()
            for _ in range(3):
                try:
                    reserve("grok", tokens=tokens, cost_usd=Decimal("0.0001"))
                    granted.append(tokens)
                except RateLimited as exc:
                    refused.append(exc.reason)
        except BaseException as exc:  # surfaced below; a thread's exception is otherwise lost
            errors.append(exc)
        finally:
            connection.close()

    with time_machine.travel(T0, tick=False):
        threads = [threading.Thread(target=worker, args=(300 + i,)) for i in range(24)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert errors == []
    minute = _window("grok", "minute")
    assert 1 <= len(granted) == minute.requests <= 10
    assert sum(granted) == minute.tokens <= 2500
    assert len(granted) + len(refused) == 72
    assert _window("budget", "day").cost_usd == Decimal("0.0001") * len(granted)
