"""Anthropic through the anthropic SDK; structured output by tool use with a forced tool."""

from __future__ import annotations

from typing import Any

import anthropic

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
    scrub,
    status_error,
)


class AnthropicClient:
    def __init__(self, config: ProviderConfig) -> None:
        self.config = config
        # max_retries=0: falling through to the next provider is our retry.
        self._sdk = anthropic.Anthropic(
            api_key=config.api_key,
            base_url=config.base_url,
            timeout=config.timeout,
            max_retries=0,
        )

    def complete(self, request: StructuredRequest) -> Completion:
        try:
            message = self._sdk.messages.create(  # type: ignore[call-overload]  # plain dicts
                model=self.config.model,
                max_tokens=request.max_tokens,
                system=request.system,
                messages=[{"role": "user", "content": request.user}],
                tools=[self._tool(request)],
                tool_choice={"type": "tool", "name": request.schema_name},
            )
        except anthropic.APITimeoutError as exc:
            raise ProviderError(str(exc), outcome=TIMEOUT, model=self.config.model) from exc
        except anthropic.APIStatusError as exc:
            raise status_error(
                exc.message,
                status=exc.status_code,
                headers=exc.response.headers,
                config=self.config,
            ) from exc
        except (anthropic.APIError, ValueError) as exc:
            # ValueError: a 200 whose body is not JSON escapes the SDK as JSONDecodeError.
            text = scrub(f"{type(exc).__name__}: {exc}", self.config.api_key)[:500]
            raise ProviderError(text, outcome=ERROR, model=self.config.model) from exc
        return self._parse(message, request.schema_name)

    @staticmethod
    def _tool(request: StructuredRequest) -> dict[str, Any]:
        return {
            "name": request.schema_name,
            "description": request.description or f"Record the {request.schema_name}.",
            "input_schema": request.schema,
        }

    def _parse(self, message: Any, tool_name: str) -> Completion:
        usage = Usage(
            model=message.model or self.config.model,
            tokens_in=message.usage.input_tokens if message.usage else 0,
            tokens_out=message.usage.output_tokens if message.usage else 0,
        )
        if message.stop_reason == "max_tokens":
            raise invalid("the answer was cut off (max tokens)", usage)
        if message.stop_reason == "refusal":
            raise invalid("the model refused", usage)
        for block in message.content:
            wanted = block.type == "tool_use" and block.name == tool_name
            if wanted and isinstance(block.input, dict):
                return completion(dict(block.input), usage)
        raise invalid(f"no {tool_name} tool call in the answer", usage)
