"""Writing and classification through the real SDKs against the local fakes: order, fallback,
backoff, budget, validation, usage and cost, and the offline last resort."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from aiengine.models import AIUsage
from aiengine.prompts import load_prompt
from aiengine.rules import Intent
from aiengine.services.classifying import classify_reply_text
from aiengine.services.writing import draft_email
from aiengine.writer import OFFLINE_VERSION, EmailContext
from core.models import ProviderState

CONTEXT = EmailContext(
    prospect_name="Hotel Lima",
    city="Lisbon",
    country="Portugal",
    website="https://hotellima.example",
    contact_name="Ana Sousa",
    sender_name="Rui",
)
GOOD = {
    "subject": "Guest emails at Hotel Lima",
    "body": "Hello Ana,\n\nWould a 15-minute call about answering guest emails help?\n\nRui",
}
UNCLEAR_REPLY = "Let me think about it and get back to you after the season."


def _calls(llms: dict[str, Any]) -> dict[str, int]:
    return {name: len(fake.requests) for name, fake in llms.items()}


def _outcomes() -> list[tuple[str, str]]:
    return list(AIUsage.objects.order_by("id").values_list("provider", "outcome"))


def _draft(step: int = 1, **kw: Any) -> Any:
    return draft_email(context=CONTEXT, strategy="cold_direct", step=step, **kw)


# --- writing ------------------------------------------------------------------------------
@pytest.mark.django_db
def test_without_keys_the_offline_writer_answers(no_keys: None) -> None:
    draft = _draft()
    assert (draft.provider, draft.prompt_version) == ("offline", OFFLINE_VERSION)
    assert "Hotel Lima" in draft.subject + draft.body
    assert AIUsage.objects.count() == 0


@pytest.mark.django_db
def test_the_first_provider_writes_and_its_usage_and_cost_are_recorded(llms: dict) -> None:
    llms["grok"].reply_json(GOOD)
    draft = _draft()
    assert (draft.subject, draft.body) == (GOOD["subject"], GOOD["body"])
    assert (draft.provider, draft.model) == ("grok", "grok-3-mini")
    assert draft.prompt_version == load_prompt("write_cold_direct").version
    assert _calls(llms) == {"grok": 1, "anthropic": 0, "openai": 0}
    usage = AIUsage.objects.get()
    assert (usage.provider, usage.model, usage.purpose, usage.outcome) == (
        "grok",
        "grok-3-mini",
        "write",
        "ok",
    )
    assert usage.tokens_in > 100 and usage.tokens_out > 10
    # grok-3-mini: $0.30 in / $0.50 out per million tokens
    expected = Decimal(usage.tokens_in) * Decimal("0.30") + usage.tokens_out * Decimal("0.50")
    assert usage.cost_usd == (expected / 1_000_000).quantize(Decimal("0.000001"))


@pytest.mark.django_db
def test_the_prospect_is_fenced_as_data_in_the_prompt(llms: dict) -> None:
    llms["grok"].reply_json(GOOD)
    _draft()
    system, user = (m["content"] for m in llms["grok"].bodies[0]["messages"])
    assert "<prospect_data>" in user and "Hotel Lima" in user
    assert "Hotel Lima" not in system and "untrusted" in system


@pytest.mark.django_db
def test_a_follow_up_refers_back_to_the_earlier_email(llms: dict) -> None:
    llms["anthropic"].reply_json(GOOD)
    llms["grok"].reply_json(GOOD)
    draft = _draft(step=2, previous_subject="Guest emails", previous_body="Hello Ana, ...")
    assert draft.prompt_version == load_prompt("write_followup").version
    user = llms["grok"].bodies[0]["messages"][1]["content"]
    assert '"previous_subject": "Guest emails"' in user and '"step": 2' in user


@pytest.mark.django_db
def test_a_429_falls_through_and_the_backoff_skips_the_provider_next_time(llms: dict) -> None:
    llms["grok"].fail(429, retry_after=7)
    llms["anthropic"].reply_json(GOOD).reply_json(GOOD)
    assert _draft().provider == "anthropic"
    state = ProviderState.objects.get(provider="grok")
    assert state.backoff_until - timezone.now() > timedelta(seconds=25)  # 30 s, not the 7
    assert _draft().provider == "anthropic"
    assert _calls(llms) == {"grok": 1, "anthropic": 2, "openai": 0}
    assert _outcomes() == [
        ("grok", "rate_limited"),
        ("anthropic", "ok"),
        ("grok", "refused"),
        ("anthropic", "ok"),
    ]


@pytest.mark.django_db
def test_error_timeout_and_malformed_answers_end_at_the_offline_writer(
    llms: dict, settings: Any
) -> None:
    settings.JENGU = {**settings.JENGU, "AI_TIMEOUT": 0.4}
    llms["grok"].fail(500)
    llms["anthropic"].hang(3)
    llms["openai"].malformed()
    draft = _draft()
    assert draft.provider == "offline"
    assert _outcomes() == [("grok", "error"), ("anthropic", "timeout"), ("openai", "error")]
    assert not ProviderState.objects.filter(backoff_until__isnull=False).exists()
    assert ProviderState.objects.get(provider="grok").last_error.startswith("HTTP 500")


@pytest.mark.django_db
def test_an_invalid_draft_falls_through_to_the_next_provider(llms: dict) -> None:
    llms["grok"].reply_json({"subject": "Hi", "body": "As an AI, I think you should call us soon."})
    llms["anthropic"].reply_json({"subject": "Hi {first_name}", "body": GOOD["body"]})
    llms["openai"].reply_json(GOOD)
    draft = _draft()
    assert (draft.provider, draft.model) == ("openai", "gpt-4o-mini")
    invalid = AIUsage.objects.filter(outcome="invalid").order_by("id")
    assert [u.provider for u in invalid] == ["grok", "anthropic"]
    assert all(u.tokens_out > 0 and u.cost_usd > 0 for u in invalid)  # paid for all the same
    assert "As an AI" in invalid[0].error and "{first_name}" in invalid[1].error


@pytest.mark.django_db
def test_an_exhausted_budget_stops_every_call(llms: dict, settings: Any) -> None:
    settings.JENGU = {**settings.JENGU, "AI_DAILY_BUDGET_USD": 0.0}
    draft = _draft()
    assert draft.provider == "offline"
    assert _calls(llms) == {"grok": 0, "anthropic": 0, "openai": 0}
    assert _outcomes() == [("grok", "refused"), ("anthropic", "refused"), ("openai", "refused")]


@pytest.mark.django_db
def test_spending_counts_toward_the_budget(llms: dict, settings: Any) -> None:
    llms["grok"].reply_json(GOOD)
    _draft()
    spent = AIUsage.objects.get().cost_usd
    # Room for less than one more call's estimate: the next one goes offline unasked.
    settings.JENGU = {**settings.JENGU, "AI_DAILY_BUDGET_USD": float(spent) + 0.0001}
    assert _draft().provider == "offline"
    assert _calls(llms)["grok"] == 1


def test_an_unknown_strategy_is_the_callers_mistake() -> None:
    with pytest.raises(ValueError, match="strategy"):
        draft_email(context=CONTEXT, strategy="spray_and_pray", step=1)


# --- classification -----------------------------------------------------------------------
@pytest.mark.django_db
def test_confident_rules_decide_without_the_llm(llms: dict) -> None:
    verdict = classify_reply_text(
        subject="Re: hello", body="Please remove me from your mailing list.", headers={}
    )
    assert (verdict.intent, verdict.decided_by) == (Intent.UNSUBSCRIBE, "rules")
    assert _calls(llms) == {"grok": 0, "anthropic": 0, "openai": 0}


@pytest.mark.django_db
def test_unsure_rules_ask_the_llm_with_a_schema(llms: dict) -> None:
    llms["grok"].fail(503)
    llms["anthropic"].reply_json(
        {
            "intent": "interested",
            "confidence": 0.8,
            "reason": "wants to talk later",
            "return_date": None,
            "delegate_email": None,
            "delegate_name": None,
        }
    )
    verdict = classify_reply_text(subject="Re: hello", body=UNCLEAR_REPLY, headers={})
    assert (verdict.intent, verdict.confidence, verdict.decided_by) == (
        Intent.INTERESTED,
        0.8,
        "llm",
    )
    assert verdict.reason.startswith("anthropic/")
    tool = llms["anthropic"].bodies[0]["tools"][0]
    assert "meeting_request" in tool["input_schema"]["properties"]["intent"]["enum"]
    assert AIUsage.objects.filter(purpose="classify", outcome="ok").count() == 1


@pytest.mark.django_db
def test_a_nonsense_intent_falls_back_to_the_rules(llms: dict, settings: Any) -> None:
    settings.JENGU = {**settings.JENGU, "AI_PROVIDER_ORDER": ["openai"]}
    llms["openai"].reply_json({"intent": "buy_now", "confidence": 2})
    verdict = classify_reply_text(subject="Re: hello", body=UNCLEAR_REPLY, headers={})
    assert (verdict.intent, verdict.decided_by) == (Intent.UNCLEAR, "rules")
    assert _outcomes() == [("openai", "invalid")]


@pytest.mark.django_db
def test_offline_classification_uses_the_rules_alone(no_keys: None) -> None:
    verdict = classify_reply_text(subject="Re: hello", body=UNCLEAR_REPLY, headers={})
    assert (verdict.intent, verdict.decided_by) == (Intent.UNCLEAR, "rules")
    assert AIUsage.objects.count() == 0
