"""The limiter's one-statement reserve and settle on PostgreSQL: same counters, fewer trips."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from aiengine.models import AIUsage
from aiengine.ratelimit import RateLimited, reserve, settle
from core.models import ProviderState, ProviderWindow
from core.ratelimit import backoff_open

T0 = datetime(2026, 3, 2, 10, 15, 20, tzinfo=UTC)
pytestmark = pytest.mark.postgres


@pytest.mark.django_db
def test_a_call_costs_one_statement_to_reserve_and_one_to_settle() -> None:
    with time_machine.travel(T0, tick=False):
        settle(reserve("openai", tokens=500, cost_usd=Decimal("0.01")), tokens_in=10)
        with CaptureQueriesContext(connection) as reserving:
            held = reserve("openai", tokens=500, cost_usd=Decimal("0.01"))
        with CaptureQueriesContext(connection) as settling:
            usage = settle(held, tokens_in=120, tokens_out=30, cost_usd=Decimal("0.002"))
    assert len(reserving.captured_queries) == 1
    assert len(settling.captured_queries) == 1
    minute = ProviderWindow.objects.get(provider="openai", window="minute")
    assert (minute.requests, minute.tokens) == (2, 160)
    budget = ProviderWindow.objects.get(provider="budget", window="day")
    assert budget.cost_usd == Decimal("0.002")
    assert AIUsage.objects.get(pk=usage.pk).tokens_in == 120
    assert ProviderState.objects.get(provider="openai").last_success_at == T0


@pytest.mark.django_db
def test_an_error_is_noted_and_a_backoff_still_refuses_with_its_reason() -> None:
    with time_machine.travel(T0, tick=False):
        held = reserve("grok", tokens=100)
        settle(held, outcome=AIUsage.Outcome.ERROR, error="HTTP 500")
        state = ProviderState.objects.get(provider="grok")
        assert (state.last_error, state.last_error_at) == ("HTTP 500", T0)
        backoff_open("grok")
        with pytest.raises(RateLimited) as err:
            reserve("grok", tokens=100)
    assert err.value.reason == "backoff"
    assert ProviderWindow.objects.get(provider="grok", window="minute").requests == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_reserves_and_settles_agree_and_never_deadlock(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AI_LIMITS_GROK", "40/-/-")
    monkeypatch.setenv("AI_LIMITS_OPENAI", "40/-/-")
    spent: list[tuple[str, int]] = []
    errors: list[BaseException] = []
    start = threading.Barrier(12)

    def worker(provider: str, tokens: int) -> None:
        try:
            start.wait()
            for _ in range(5):
                try:
                    held = reserve(provider, tokens=900, cost_usd=Decimal("0.001"))
                except RateLimited:
                    continue
                settle(held, tokens_in=tokens, cost_usd=Decimal("0.0005"))
                spent.append((provider, tokens))
        except BaseException as exc:  # surfaced below; a thread's exception is otherwise lost
            errors.append(exc)
        finally:
            connection.close()

    with time_machine.travel(T0, tick=False):
        threads = [
            threading.Thread(target=worker, args=(("grok", "openai")[i % 2], 10 + i))
            for i in range(12)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert errors == []
    assert len(spent) == 60
    for provider in ("grok", "openai"):
        minute = ProviderWindow.objects.get(provider=provider, window="minute")
        mine = [tokens for name, tokens in spent if name == provider]
        assert (minute.requests, minute.tokens) == (len(mine), sum(mine))
    budget = ProviderWindow.objects.get(provider="budget", window="day")
    assert budget.cost_usd == Decimal("0.0005") * 60
    assert AIUsage.objects.count() == 60
