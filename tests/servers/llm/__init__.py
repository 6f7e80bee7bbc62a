"""Fakes of the Anthropic Messages API and the OpenAI Chat Completions API (also xAI Grok).

Both speak over a real socket (``HTTPTestServer``) so the real SDKs do the talking. Each request
takes the next scripted reply from a queue; with the queue empty the fake answers a short text.
Bodies carry every field the real API sends (ids, usage, stop reasons), because the SDKs accept
almost anything and would hide a missing field as ``None``.

    fake = AnthropicFake().start()
    fake.reply_json({"intent": "interested"})   # a tool_use block if the request offered tools,
                                                # else the JSON as text (structured outputs)
    fake.fail(429, retry_after=7)               # the vendor's rate-limit body + retry-after
    fake.hang(5)                                # answers after 5 s: client timeouts
    fake.malformed()                            # a 200 whose JSON is cut off

Token counts come from text lengths (about 4 characters a token), so they move with the prompt.
A malformed body makes both SDKs (anthropic 2.14, openai 3.57) raise ``json.JSONDecodeError``,
a ``ValueError`` that is *not* their ``APIError``: client code must catch it separately.
"""

from __future__ import annotations

from tests.servers.llm._base import Reply, tokens
from tests.servers.llm.anthropic_api import AnthropicFake
from tests.servers.llm.openai_api import OpenAIFake

__all__ = ["AnthropicFake", "OpenAIFake", "Reply", "tokens"]
