"""What every LLM client offers: one structured (JSON) completion, and one error type.

Clients speak a vendor's protocol and nothing else: no database, no limits, no fallback. The
services layer reserves capacity, calls a client, and settles what the client reports.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from core.ratelimit import parse_retry_after

# AIUsage outcomes a client can report (the limiter adds "ok" and "refused").
RATE_LIMITED = "rate_limited"
ERROR = "error"
TIMEOUT = "timeout"
INVALID = "invalid"


@dataclass(frozen=True)
class ProviderConfig:
    name: str  # grok | anthropic | openai
    api_key: str
    model: str
    base_url: str | None
    timeout: float


@dataclass(frozen=True)
class StructuredRequest:
    """A prompt whose answer must be one JSON object matching ``schema``."""

    system: str
    user: str
    schema_name: str
    schema: dict[str, Any]
    description: str = ""
    max_tokens: int = 1000

    def estimated_input_tokens(self) -> int:
        # About 4 characters a token, plus the schema and the message framing.
        text = len(self.system) + len(self.user) + len(json.dumps(self.schema))
        return text // 4 + 32


@dataclass(frozen=True)
class Usage:
    """What an answer cost, known even when the answer itself is unusable."""

    model: str
    tokens_in: int = 0
    tokens_out: int = 0


@dataclass(frozen=True)
class Completion:
    data: dict[str, Any]
    model: str
    tokens_in: int
    tokens_out: int


class ProviderError(Exception):
    """A call that gave no usable answer; ``outcome`` is the AIUsage outcome to record."""

    def __init__(
        self,
        message: str,
        *,
        outcome: str,
        status: int | None = None,
        retry_after: float | None = None,
        model: str = "",
        tokens_in: int = 0,
        tokens_out: int = 0,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.outcome = outcome
        self.status = status
        self.retry_after = retry_after
        self.model = model
        self.tokens_in = tokens_in
        self.tokens_out = tokens_out


class LLMClient(Protocol):
    config: ProviderConfig

    def complete(self, request: StructuredRequest) -> Completion: ...


def scrub(text: str, secret: str) -> str:
    """Error text as it may be stored and shown: never with the API key in it."""
    return text.replace(secret, "[api key]") if secret else text


def status_error(
    message: str, *, status: int, headers: Mapping[str, str] | None, config: ProviderConfig
) -> ProviderError:
    """A non-2xx answer. A 429, or any status with Retry-After, is a rate limit (backoff)."""
    retry_after = parse_retry_after(headers)
    limited = status == 429 or retry_after is not None
    return ProviderError(
        scrub(f"HTTP {status}: {message}", config.api_key)[:500],
        outcome=RATE_LIMITED if limited else ERROR,
        status=status,
        retry_after=retry_after,
        model=config.model,
    )


def invalid(message: str, usage: Usage) -> ProviderError:
    """An unusable answer; it still carries the tokens it cost."""
    return ProviderError(
        message,
        outcome=INVALID,
        model=usage.model,
        tokens_in=usage.tokens_in,
        tokens_out=usage.tokens_out,
    )


def completion(data: dict[str, Any], usage: Usage) -> Completion:
    return Completion(data, usage.model, usage.tokens_in, usage.tokens_out)


def json_object(text: str | None, usage: Usage) -> dict[str, Any]:
    """The answer's JSON object, or an ``invalid`` error."""
    try:
        data = json.loads(text or "")
    except ValueError:
        data = None
    if not isinstance(data, dict):
        raise invalid("the answer is not a JSON object", usage)
    return data
