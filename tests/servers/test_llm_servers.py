"""The LLM fakes answer the real anthropic / openai SDKs as the real APIs would."""

from __future__ import annotations

import json
import time

import anthropic
import openai
import pydantic
import pytest

from tests.servers.llm import AnthropicFake, OpenAIFake

CLAUDE = "claude-sonnet-5-5"
HELLO = [{"role": "user", "content": "Write a two-line hello to Hotel Lima."}]
CLASSIFY_TOOL = {
    "name": "classify_reply",
    "description": "Record the intent of a prospect's reply.",
    "input_schema": {
        "type": "object",
        "properties": {"intent": {"type": "string"}, "confidence": {"type": "number"}},
        "required": ["intent", "confidence"],
    },
}


class Verdict(pydantic.BaseModel):
    intent: str
    confidence: float


def _claude(fake: AnthropicFake, key: str | None = None, **kw: object) -> anthropic.Anthropic:
    return anthropic.Anthropic(
        api_key=key or fake.api_key,
        base_url=fake.url,
        max_retries=0,
        **kw,  # type: ignore[arg-type]
    )


def _gpt(fake: OpenAIFake, key: str | None = None, **kw: object) -> openai.OpenAI:
    return openai.OpenAI(
        api_key=key or fake.api_key,
        base_url=fake.base_url,
        max_retries=0,
        **kw,  # type: ignore[arg-type]
    )


# -- Anthropic ------------------------------------------------------------------------------
def test_anthropic_text_reply_parses_with_usage(anthropic_server: AnthropicFake) -> None:
    anthropic_server.reply_text("Hello Hotel Lima,\nshall we talk?")
    msg = _claude(anthropic_server).messages.create(model=CLAUDE, max_tokens=300, messages=HELLO)
    assert msg.content[0].type == "text"
    assert msg.content[0].text == "Hello Hotel Lima,\nshall we talk?"
    assert (msg.role, msg.model, msg.stop_reason) == ("assistant", CLAUDE, "end_turn")
    assert msg.id.startswith("msg_") and msg.usage.output_tokens > 1


def test_anthropic_input_tokens_grow_with_the_prompt(anthropic_server: AnthropicFake) -> None:
    client = _claude(anthropic_server)
    short = client.messages.create(model=CLAUDE, max_tokens=10, messages=HELLO)
    long_prompt = [{"role": "user", "content": "Tell me about Lisbon hotels. " * 50}]
    long = client.messages.create(model=CLAUDE, max_tokens=10, messages=long_prompt)
    assert long.usage.input_tokens > short.usage.input_tokens * 10


def test_anthropic_records_what_the_sdk_sent(anthropic_server: AnthropicFake) -> None:
    _claude(anthropic_server).messages.create(
        model=CLAUDE, max_tokens=42, system="You write emails.", messages=HELLO
    )
    (request,) = anthropic_server.requests
    assert request.json()["system"] == "You write emails."
    assert request.json()["max_tokens"] == 42
    assert request.headers["authorization"] == f"Bearer {anthropic_server.api_key}"
    assert "anthropic-version" in request.headers


def test_anthropic_tool_use_returns_the_scripted_input(anthropic_server: AnthropicFake) -> None:
    anthropic_server.reply_json({"intent": "interested", "confidence": 0.9})
    msg = _claude(anthropic_server).messages.create(
        model=CLAUDE,
        max_tokens=300,
        messages=HELLO,
        tools=[CLASSIFY_TOOL],
        tool_choice={"type": "tool", "name": "classify_reply"},
    )
    (block,) = msg.content
    assert block.type == "tool_use" and block.name == "classify_reply"
    assert block.input == {"intent": "interested", "confidence": 0.9}
    assert block.id.startswith("toolu_") and msg.stop_reason == "tool_use"


def test_anthropic_structured_output_parses(anthropic_server: AnthropicFake) -> None:
    anthropic_server.reply_json({"intent": "meeting", "confidence": 0.75})
    msg = _claude(anthropic_server).messages.parse(
        model=CLAUDE, max_tokens=300, messages=HELLO, output_format=Verdict
    )
    assert msg.parsed_output == Verdict(intent="meeting", confidence=0.75)
    sent = anthropic_server.bodies[0]["output_config"]["format"]
    assert sent["type"] == "json_schema" and "intent" in sent["schema"]["properties"]


def test_anthropic_wrong_key_is_an_authentication_error(anthropic_server: AnthropicFake) -> None:
    with pytest.raises(anthropic.AuthenticationError) as err:
        _claude(anthropic_server, key="wrong").messages.create(
            model=CLAUDE, max_tokens=10, messages=HELLO
        )
    assert err.value.status_code == 401 and err.value.type == "authentication_error"


def test_anthropic_rate_limit_carries_retry_after(anthropic_server: AnthropicFake) -> None:
    anthropic_server.fail(429, retry_after=7)
    with pytest.raises(anthropic.RateLimitError) as err:
        _claude(anthropic_server).messages.create(model=CLAUDE, max_tokens=10, messages=HELLO)
    assert err.value.response.headers["retry-after"] == "7"
    assert err.value.type == "rate_limit_error"
    assert err.value.request_id and err.value.request_id.startswith("req_")


@pytest.mark.parametrize(
    ("status", "error"),
    [(500, anthropic.InternalServerError), (529, anthropic.OverloadedError)],
)
def test_anthropic_server_errors(
    anthropic_server: AnthropicFake, status: int, error: type[Exception]
) -> None:
    anthropic_server.fail(status)
    with pytest.raises(error):
        _claude(anthropic_server).messages.create(model=CLAUDE, max_tokens=10, messages=HELLO)


def test_anthropic_sdk_retry_obeys_retry_after(anthropic_server: AnthropicFake) -> None:
    anthropic_server.fail(429, retry_after=0.05).reply_text("second time lucky")
    client = anthropic.Anthropic(
        api_key=anthropic_server.api_key, base_url=anthropic_server.url, max_retries=1
    )
    msg = client.messages.create(model=CLAUDE, max_tokens=10, messages=HELLO)
    assert msg.content[0].text == "second time lucky"  # type: ignore[union-attr]
    assert len(anthropic_server.requests) == 2 and anthropic_server.pending == 0


def test_anthropic_hang_times_out(anthropic_server: AnthropicFake) -> None:
    anthropic_server.hang(3)
    started = time.monotonic()
    with pytest.raises(anthropic.APITimeoutError):
        _claude(anthropic_server, timeout=0.3).messages.create(
            model=CLAUDE, max_tokens=10, messages=HELLO
        )
    assert time.monotonic() - started < 2


def test_anthropic_malformed_json_raises_a_decode_error(anthropic_server: AnthropicFake) -> None:
    # The SDK lets json.JSONDecodeError (a ValueError) escape: it is NOT an anthropic.APIError.
    anthropic_server.malformed()
    with pytest.raises(json.JSONDecodeError):
        _claude(anthropic_server).messages.create(model=CLAUDE, max_tokens=10, messages=HELLO)


def test_anthropic_truncation_and_refusal(anthropic_server: AnthropicFake) -> None:
    anthropic_server.reply_text("Dear Ana, I", truncated=True).refuse()
    client = _claude(anthropic_server)
    cut = client.messages.create(model=CLAUDE, max_tokens=3, messages=HELLO)
    refused = client.messages.create(model=CLAUDE, max_tokens=3, messages=HELLO)
    assert cut.stop_reason == "max_tokens"
    assert (refused.stop_reason, refused.content) == ("refusal", [])


def test_anthropic_missing_max_tokens_is_a_bad_request(anthropic_server: AnthropicFake) -> None:
    with pytest.raises(anthropic.BadRequestError, match="max_tokens"):
        _claude(anthropic_server).post(
            "/v1/messages", body={"model": CLAUDE, "messages": HELLO}, cast_to=object
        )


# -- OpenAI / xAI ---------------------------------------------------------------------------
def test_openai_text_reply_parses_with_usage(openai_server: OpenAIFake) -> None:
    openai_server.reply_text("Hello Hotel Lima!")
    done = _gpt(openai_server).chat.completions.create(model="gpt-4o", messages=HELLO)
    choice = done.choices[0]
    assert (choice.message.content, choice.finish_reason) == ("Hello Hotel Lima!", "stop")
    assert done.object == "chat.completion" and done.id.startswith("chatcmpl-")
    assert done.system_fingerprint and done.usage is not None
    assert done.usage.total_tokens == done.usage.prompt_tokens + done.usage.completion_tokens
    assert openai_server.requests[0].headers["authorization"] == "Bearer test-openai-key"


def test_openai_tool_call_carries_json_arguments(openai_server: OpenAIFake) -> None:
    openai_server.reply_json({"intent": "not_now", "confidence": 0.6})
    tool = {"type": "function", "function": {"name": "classify_reply", "parameters": {}}}
    done = _gpt(openai_server).chat.completions.create(
        model="gpt-4o",
        messages=HELLO,
        tools=[tool],  # type: ignore[list-item]
    )
    (call,) = done.choices[0].message.tool_calls or []
    assert call.function.name == "classify_reply"  # type: ignore[union-attr]
    assert json.loads(call.function.arguments) == {"intent": "not_now", "confidence": 0.6}  # type: ignore[union-attr]
    assert done.choices[0].finish_reason == "tool_calls"


def test_openai_json_schema_parses(openai_server: OpenAIFake) -> None:
    openai_server.reply_json({"intent": "meeting", "confidence": 0.8})
    done = _gpt(openai_server).chat.completions.parse(
        model="gpt-4o", messages=HELLO, response_format=Verdict
    )
    assert done.choices[0].message.parsed == Verdict(intent="meeting", confidence=0.8)
    assert openai_server.bodies[0]["response_format"]["type"] == "json_schema"


def test_openai_rate_limit_and_server_error(openai_server: OpenAIFake) -> None:
    openai_server.fail(429, retry_after=7).fail(500)
    client = _gpt(openai_server)
    with pytest.raises(openai.RateLimitError) as err:
        client.chat.completions.create(model="gpt-4o", messages=HELLO)
    assert err.value.response.headers["retry-after"] == "7"
    assert err.value.code == "rate_limit_exceeded"
    with pytest.raises(openai.InternalServerError):
        client.chat.completions.create(model="gpt-4o", messages=HELLO)


def test_openai_wrong_key_hang_and_malformed(openai_server: OpenAIFake) -> None:
    with pytest.raises(openai.AuthenticationError) as err:
        _gpt(openai_server, key="sk-wrong").chat.completions.create(model="m", messages=HELLO)
    assert err.value.code == "invalid_api_key"
    openai_server.hang(3).malformed()
    with pytest.raises(openai.APITimeoutError):
        _gpt(openai_server, timeout=0.3).chat.completions.create(model="m", messages=HELLO)
    with pytest.raises(json.JSONDecodeError):  # not an openai.APIError either
        _gpt(openai_server).chat.completions.create(model="m", messages=HELLO)


def test_openai_truncation_and_refusal(openai_server: OpenAIFake) -> None:
    openai_server.reply_text("Dear", truncated=True).refuse("I can't write that.")
    client = _gpt(openai_server)
    cut = client.chat.completions.create(model="gpt-4o", messages=HELLO)
    refused = client.chat.completions.create(model="gpt-4o", messages=HELLO)
    assert cut.choices[0].finish_reason == "length"
    assert refused.choices[0].message.refusal == "I can't write that."
    assert refused.choices[0].message.content is None


def test_grok_flavour_speaks_openai_with_xai_errors(grok_server: OpenAIFake) -> None:
    grok_server.reply_text("Hi from Grok")
    done = _gpt(grok_server).chat.completions.create(model="grok-4", messages=HELLO)
    assert done.choices[0].message.content == "Hi from Grok"
    with pytest.raises(openai.AuthenticationError) as err:
        _gpt(grok_server, key="xai-wrong").chat.completions.create(model="grok-4", messages=HELLO)
    assert err.value.body == "Incorrect API key provided."  # xAI's flat {"code", "error"}
