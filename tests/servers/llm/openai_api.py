"""OpenAI Chat Completions API (and xAI's copy of it): ``POST /v1/chat/completions``."""

from __future__ import annotations

import json
import time
from typing import Any

from tests.servers.llm._base import ChatFake, Reply, pick_tool, rand_id, tokens

_OPENAI_ERRORS = {
    400: ("invalid_request_error", None, "Invalid request."),
    401: ("invalid_request_error", "invalid_api_key", "Incorrect API key provided."),
    403: (
        "invalid_request_error",
        "unsupported_country_region_territory",
        "Forbidden.",
    ),
    404: ("invalid_request_error", "model_not_found", "The model does not exist."),
    429: (
        "tokens",
        "rate_limit_exceeded",
        "Rate limit reached for gpt-4o in organization org-test on tokens per min (TPM): "
        "Limit 30000, Used 30000, Requested 500. Please try again in 7s.",
    ),
    500: (
        "server_error",
        None,
        "The server had an error while processing your request. Sorry about that!",
    ),
    503: (
        "server_error",
        None,
        "The engine is currently overloaded, please try again later.",
    ),
}

# xAI answers with gRPC status names instead of OpenAI's nested error object.
_XAI_CODES = {
    400: "Client specified an invalid argument",
    401: "Client specified an invalid argument",
    403: "The caller does not have permission to execute the specified operation",
    404: "Some requested entity was not found",
    429: "Some resource has been exhausted",
    500: "Internal error",
}


class OpenAIFake(ChatFake):
    """``POST /v1/chat/completions``. Use ``openai.OpenAI(base_url=fake.url + "/v1")``.

    ``vendor="xai"`` gives Grok's flavour: grok model name and xAI's flat error bodies.
    """

    path = "/v1/chat/completions"

    def __init__(self, *, api_key: str = "test-key", tls: bool = False, vendor: str = "openai"):
        super().__init__(api_key=api_key, tls=tls)
        self.vendor = vendor
        self.default_model = "grok-4" if vendor == "xai" else "gpt-4o-2024-08-06"

    @property
    def base_url(self) -> str:
        return self.url + "/v1"

    def _authorized(self, headers: dict[str, str]) -> bool:
        return headers.get("authorization") == f"Bearer {self.api_key}"

    def _invalid(self, body: Any) -> str | None:
        if not isinstance(body, dict):
            return "Request body must be a JSON object."
        for key in ("model", "messages"):
            if key not in body:
                return f"Missing required parameter: '{key}'."
        if body.get("stream"):
            return "stream: the test fake does not implement streaming"
        return None

    def _success(self, body: dict[str, Any], reply: Reply) -> dict[str, Any]:
        message, finish = self._message(body, reply)
        prompt = tokens(self._prompt_text(body))
        completion = tokens(json.dumps(message))
        return {
            "id": "chatcmpl-" + rand_id(29),
            "object": "chat.completion",
            "created": int(time.time()),
            "model": body.get("model") or self.default_model,
            "choices": [
                {
                    "index": 0,
                    "message": message,
                    "logprobs": None,
                    "finish_reason": finish,
                }
            ],
            "usage": {
                "prompt_tokens": prompt,
                "completion_tokens": completion,
                "total_tokens": prompt + completion,
                "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
                "completion_tokens_details": {
                    "reasoning_tokens": 0,
                    "audio_tokens": 0,
                    "accepted_prediction_tokens": 0,
                    "rejected_prediction_tokens": 0,
                },
            },
            "service_tier": "default",
            "system_fingerprint": "fp_" + rand_id(10).lower(),
        }

    def _message(self, body: dict[str, Any], reply: Reply) -> tuple[dict[str, Any], str]:
        message: dict[str, Any] = {
            "role": "assistant",
            "content": None,
            "refusal": None,
        }
        message["annotations"] = []
        if reply.kind == "refusal":
            return {**message, "refusal": reply.payload}, "stop"
        tool = None
        if reply.kind == "json" and body.get("tools"):
            tool = pick_tool(body["tools"], body.get("tool_choice"), reply.tool)
        if tool:
            function = {"name": tool, "arguments": json.dumps(reply.payload)}
            call = {"id": "call_" + rand_id(24), "type": "function", "function": function}
            return {**message, "tool_calls": [call]}, "tool_calls"
        finish = "length" if reply.truncated else "stop"
        return {**message, "content": self._answer_text(reply)}, finish

    def _error_body(self, status: int, message: str | None) -> dict[str, Any]:
        kind, code, default = _OPENAI_ERRORS.get(status, _OPENAI_ERRORS[500])
        text = message or default
        if self.vendor == "xai":
            return {
                "code": _XAI_CODES.get(
                    status // 100 * 100 if status >= 500 else status, _XAI_CODES[400]
                ),
                "error": text,
            }
        return {"error": {"message": text, "type": kind, "param": None, "code": code}}

    def _headers(self) -> dict[str, str]:
        return {
            "x-request-id": "req_" + rand_id(32).lower(),
            "openai-processing-ms": "412",
            "x-ratelimit-limit-requests": "5000",
            "x-ratelimit-remaining-requests": "4999",
        }
