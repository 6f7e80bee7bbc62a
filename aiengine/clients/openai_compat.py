"""OpenAI and xAI Grok (OpenAI-compatible) through the openai SDK, with JSON-schema output."""

from __future__ import annotations

from typing import Any

import openai

from aiengine.clients.base import (
    ERROR,
    INVALID,
    TIMEOUT,
    Completion,
    ProviderConfig,
    ProviderError,
    StructuredRequest,
    json_object,
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
                exc.message,
                status=exc.status_code,
                headers=exc.response.headers,
                model=self.config.model,
            ) from exc
        except (openai.APIError, ValueError) as exc:
            # ValueError: a 200 whose body is not JSON escapes the SDK as JSONDecodeError.
            raise ProviderError(
                f"{type(exc).__name__}: {exc}"[:500], outcome=ERROR, model=self.config.model
            ) from exc
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
        usage = done.usage
        tokens_in = usage.prompt_tokens if usage else 0
        tokens_out = usage.completion_tokens if usage else 0
        model = done.model or self.config.model
        spent = {"model": model, "tokens_in": tokens_in, "tokens_out": tokens_out}
        if not done.choices:
            raise ProviderError("no choices in the answer", outcome=INVALID, **spent)
        choice = done.choices[0]
        if choice.message.refusal:
            raise ProviderError(f"refused: {choice.message.refusal}", outcome=INVALID, **spent)
        if choice.finish_reason == "length":
            raise ProviderError("the answer was cut off (max tokens)", outcome=INVALID, **spent)
        data = json_object(choice.message.content, **spent)
        return Completion(data=data, **spent)
