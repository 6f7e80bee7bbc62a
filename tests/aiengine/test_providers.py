"""The provider clients against the local fake APIs, through the real SDKs (no database)."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import pytest

from aiengine.clients import (
    ProviderConfig,
    ProviderError,
    StructuredRequest,
    configured_providers,
    provider_order,
)
from aiengine.clients.anthropic import AnthropicClient
from aiengine.clients.base import parse_retry_after
from aiengine.clients.openai_compat import OpenAICompatClient
from tests.servers.llm import AnthropicFake, OpenAIFake

SCHEMA = {
    "type": "object",
    "properties": {"subject": {"type": "string"}, "body": {"type": "string"}},
    "required": ["subject", "body"],
    "additionalProperties": False,
}
REQUEST = StructuredRequest(
    system="You write short emails.",
    user="Write to Hotel Lima.",
    schema_name="email_draft",
    schema=SCHEMA,
    max_tokens=300,
)
ANSWER = {"subject": "Hotel Lima", "body": "Hello, a short note about direct bookings."}


def _client(name: str, fake: Any, *, timeout: float = 5.0, key: str | None = None) -> Any:
    anthropic = name == "anthropic"
    config = ProviderConfig(
        name=name,
        api_key=key or fake.api_key,
        model={"grok": "grok-3-mini", "anthropic": "claude-haiku-4-5", "openai": "gpt-4o-mini"}[
            name
        ],
        base_url=fake.url if anthropic else fake.base_url,
        timeout=timeout,
    )
    return AnthropicClient(config) if anthropic else OpenAICompatClient(config)


@pytest.fixture(params=["grok", "anthropic", "openai"])
def provider(
    request: pytest.FixtureRequest,
    grok_server: OpenAIFake,
    anthropic_server: AnthropicFake,
    openai_server: OpenAIFake,
) -> tuple[str, Any]:
    fakes = {"grok": grok_server, "anthropic": anthropic_server, "openai": openai_server}
    return request.param, fakes[request.param]


def test_each_provider_returns_the_structured_answer_with_usage(provider: tuple) -> None:
    name, fake = provider
    fake.reply_json(ANSWER)
    done = _client(name, fake).complete(REQUEST)
    assert done.data == ANSWER
    assert done.tokens_in > 10 and done.tokens_out > 5
    assert done.model == _client(name, fake).config.model


def test_openai_and_grok_ask_for_a_strict_json_schema(grok_server: OpenAIFake) -> None:
    grok_server.reply_json(ANSWER)
    _client("grok", grok_server).complete(REQUEST)
    (body,) = grok_server.bodies
    assert body["response_format"]["type"] == "json_schema"
    assert body["response_format"]["json_schema"]["schema"] == SCHEMA
    assert body["response_format"]["json_schema"]["strict"] is True
    assert [m["role"] for m in body["messages"]] == ["system", "user"]
    assert grok_server.requests[0].headers["authorization"] == "Bearer test-xai-key"


def test_anthropic_forces_the_schema_tool(anthropic_server: AnthropicFake) -> None:
    anthropic_server.reply_json(ANSWER)
    _client("anthropic", anthropic_server).complete(REQUEST)
    (body,) = anthropic_server.bodies
    assert body["tool_choice"] == {"type": "tool", "name": "email_draft"}
    assert body["tools"][0]["input_schema"] == SCHEMA
    assert body["system"] == "You write short emails."


def test_a_429_reports_a_rate_limit_with_its_retry_after(provider: tuple) -> None:
    name, fake = provider
    fake.fail(429, retry_after=7)
    with pytest.raises(ProviderError) as err:
        _client(name, fake).complete(REQUEST)
    assert (err.value.outcome, err.value.status, err.value.retry_after) == ("rate_limited", 429, 7)


def test_a_500_is_an_error_without_backoff(provider: tuple) -> None:
    name, fake = provider
    fake.fail(500)
    with pytest.raises(ProviderError) as err:
        _client(name, fake).complete(REQUEST)
    assert (err.value.outcome, err.value.status, err.value.retry_after) == ("error", 500, None)


def test_a_503_with_retry_after_counts_as_a_rate_limit(openai_server: OpenAIFake) -> None:
    openai_server.fail(503, retry_after=12)
    with pytest.raises(ProviderError) as err:
        _client("openai", openai_server).complete(REQUEST)
    assert (err.value.outcome, err.value.retry_after) == ("rate_limited", 12)


def test_a_hung_provider_times_out_at_the_configured_timeout(provider: tuple) -> None:
    name, fake = provider
    fake.hang(3)
    started = time.monotonic()
    with pytest.raises(ProviderError) as err:
        _client(name, fake, timeout=0.3).complete(REQUEST)
    assert err.value.outcome == "timeout"
    assert time.monotonic() - started < 2  # no SDK retries behind our back


def test_a_malformed_body_is_an_error_not_a_crash(provider: tuple) -> None:
    name, fake = provider
    fake.malformed()
    with pytest.raises(ProviderError) as err:
        _client(name, fake).complete(REQUEST)
    assert err.value.outcome == "error"
    assert "JSONDecodeError" in err.value.message


def test_the_wrong_key_is_an_error(provider: tuple) -> None:
    name, fake = provider
    with pytest.raises(ProviderError) as err:
        _client(name, fake, key="wrong-key").complete(REQUEST)
    assert (err.value.outcome, err.value.status) == ("error", 401)


def test_prose_instead_of_json_is_invalid_and_keeps_the_tokens(openai_server: OpenAIFake) -> None:
    openai_server.reply_text("Sure! Here is your email: Dear Ana, ...")
    with pytest.raises(ProviderError) as err:
        _client("openai", openai_server).complete(REQUEST)
    assert err.value.outcome == "invalid"
    assert err.value.tokens_in > 0 and err.value.tokens_out > 0  # they are billed all the same


def test_anthropic_text_without_the_tool_call_is_invalid(anthropic_server: AnthropicFake) -> None:
    anthropic_server.reply_text("I would rather chat.")
    with pytest.raises(ProviderError) as err:
        _client("anthropic", anthropic_server).complete(REQUEST)
    assert err.value.outcome == "invalid" and "email_draft" in err.value.message


def test_refusals_and_truncations_are_invalid(provider: tuple) -> None:
    name, fake = provider
    fake.refuse().reply_text('{"subject": "Hi', truncated=True)
    client = _client(name, fake)
    for expected in ("refused", "cut off"):
        with pytest.raises(ProviderError) as err:
            client.complete(REQUEST)
        assert err.value.outcome == "invalid" and expected in err.value.message


def test_providers_follow_the_configured_order_and_skip_those_without_a_key(
    settings: Any,
) -> None:
    settings.JENGU = {
        **settings.JENGU,
        "AI_PROVIDER_ORDER": ["openai", "Grok", "nope", "anthropic"],
    }
    settings.OPENAI_API_KEY, settings.GROK_API_KEY, settings.ANTHROPIC_API_KEY = "k1", "", "k3"
    settings.OPENAI_MODEL, settings.ANTHROPIC_MODEL = "gpt-4o-mini", "claude-haiku-4-5"
    assert provider_order() == ["openai", "grok", "anthropic"]
    configs = configured_providers()
    assert [(c.name, c.api_key, c.model) for c in configs] == [
        ("openai", "k1", "gpt-4o-mini"),
        ("anthropic", "k3", "claude-haiku-4-5"),
    ]


def test_no_key_at_all_means_no_provider(settings: Any) -> None:
    settings.GROK_API_KEY = settings.ANTHROPIC_API_KEY = settings.OPENAI_API_KEY = ""
    assert configured_providers() == []


def test_the_timeout_comes_from_ai_timeout(settings: Any) -> None:
    settings.JENGU = {**settings.JENGU, "AI_TIMEOUT": 2.5, "AI_PROVIDER_ORDER": ["grok"]}
    settings.GROK_API_KEY = "k"
    assert configured_providers()[0].timeout == 2.5


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"retry-after": "7"}, 7.0),
        ({"retry-after-ms": "1500", "retry-after": "9"}, 1.5),
        ({"retry-after": "soon"}, None),
        ({}, None),
    ],
)
def test_retry_after_headers_are_read(headers: dict[str, str], expected: float | None) -> None:
    assert parse_retry_after(headers) == expected


def test_retry_after_as_an_http_date() -> None:
    when = datetime.now(UTC) + timedelta(seconds=90)
    seconds = parse_retry_after({"retry-after": format_datetime(when, usegmt=True)})
    assert seconds is not None and 85 <= seconds <= 91


def test_an_error_echoing_the_api_key_never_carries_it(provider: tuple) -> None:
    name, fake = provider
    fake.fail(401, message=f"Incorrect API key provided: {fake.api_key}.")
    with pytest.raises(ProviderError) as err:
        _client(name, fake).complete(REQUEST)
    assert fake.api_key not in err.value.message
    assert "[api key]" in err.value.message
