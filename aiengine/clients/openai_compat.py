"""OpenAI and xAI Grok (OpenAI-compatible) through the openai SDK, with JSON-schema output."""

from __future__ import annotations

from typing import Any

import openai

from aiengine.clients.base import (
    ERROR,
    TIMEOUT,
    Completion,
    ProviderConfig,
    ProviderError,
    StructuredRequest,
    Usage,
    completion,
    invalid,
    json_object,
    scrub,
    status_error,
)


class OpenAICompatClient:
    def __init__(self, config: ProviderConfig) -> None:
        self.config = config
        # Retries are ours to make (on the next provider), not the SDK's: a retry would hold
        # the worker up to AI_TIMEOUT again and bypass the limiter's accounting.
        self._sdk = openai.OpenAI(
            api_key=config.api_key,
            base_url=config.base_url,
            timeout=config.timeout,
            max_retries=0,
        )

    def complete(self, request: StructuredRequest) -> Completion:
        try:
            done = self._sdk.chat.completions.create(**self._params(request))
        except openai.APITimeoutError as exc:
            raise ProviderError(str(exc), outcome=TIMEOUT, model=self.config.model) from exc
        except openai.APIStatusError as exc:
            raise status_error(
                _describe(exc),
                status=exc.status_code,
                headers=exc.response.headers,
                config=self.config,
            ) from exc
        except (openai.APIError, ValueError) as exc:
            # ValueError: a 200 whose body is not JSON escapes the SDK as JSONDecodeError.
            text = scrub(f"{type(exc).__name__}: {exc}", self.config.api_key)[:500]
            raise ProviderError(text, outcome=ERROR, model=self.config.model) from exc
        return self._parse(done)

    def _params(self, request: StructuredRequest) -> dict[str, Any]:
        return {
            "model": self.config.model,
            "messages": [
                {"role": "system", "content": request.system},
                {"role": "user", "content": request.user},
            ],
            "response_format": {
                "type": "json_schema",
                "json_schema": {
                    "name": request.schema_name,
                    "description": request.description,
                    "schema": request.schema,
                    "strict": True,
                },
            },
            "max_completion_tokens": request.max_tokens,
        }

    def _parse(self, done: Any) -> Completion:
        usage = Usage(
            model=done.model or self.config.model,
            tokens_in=done.usage.prompt_tokens if done.usage else 0,
            tokens_out=done.usage.completion_tokens if done.usage else 0,
        )
        if not done.choices:
            raise invalid("no choices in the answer", usage)
        choice = done.choices[0]
        if choice.message.refusal:
            raise invalid(f"refused: {choice.message.refusal}", usage)
        if choice.finish_reason == "length":
            raise invalid("the answer was cut off (max tokens)", usage)
        return completion(json_object(choice.message.content, usage), usage)


def _describe(exc: openai.APIStatusError) -> str:
    # xAI answers {"code", "error": "<text>"}, which the SDK keeps in .body, not in .message.
    if isinstance(exc.body, str) and exc.body not in exc.message:
        return f"{exc.message} - {exc.body}"
    return exc.message
