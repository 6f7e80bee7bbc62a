"""Anthropic Messages API: ``POST /v1/messages``."""

from __future__ import annotations

import json
from typing import Any

from tests.servers.llm._base import ChatFake, Reply, pick_tool, rand_id, tokens

_ANTHROPIC_ERRORS = {
    400: ("invalid_request_error", "Invalid request."),
    401: ("authentication_error", "invalid x-api-key"),
    403: (
        "permission_error",
        "Your API key does not have permission to use this resource.",
    ),
    404: ("not_found_error", "Not found."),
    413: ("request_too_large", "Request exceeds the maximum allowed number of bytes."),
    429: (
        "rate_limit_error",
        "This request would exceed the rate limit for your organization of 50 requests per "
        "minute. Please reduce the prompt length or the maximum tokens requested, or try again "
        "later.",
    ),
    500: ("api_error", "Internal server error"),
    529: ("overloaded_error", "Overloaded"),
}


class AnthropicFake(ChatFake):
    """``POST /v1/messages``. Use ``anthropic.Anthropic(base_url=fake.url)``."""

    path = "/v1/messages"
    default_model = "claude-sonnet-5-5"

    def _authorized(self, headers: dict[str, str]) -> bool:
        # SDK 0.x sends x-api-key; 2.x sends Authorization: Bearer. The API takes both.
        return self.api_key in (
            headers.get("x-api-key"),
            headers.get("authorization", "").removeprefix("Bearer "),
        )

    def _invalid(self, body: Any) -> str | None:
        if not isinstance(body, dict):
            return "Request body must be a JSON object."
        for key in ("model", "max_tokens", "messages"):
            if key not in body:
                return f"{key}: Field required"
        if body.get("stream"):
            return "stream: the test fake does not implement streaming"
        return None

    def _success(self, body: dict[str, Any], reply: Reply) -> dict[str, Any]:
        content, stop = self._content(body, reply)
        return {
            "id": "msg_01" + rand_id(22),
            "type": "message",
            "role": "assistant",
            "model": body.get("model") or self.default_model,
            "content": content,
            "stop_reason": stop,
            "stop_sequence": None,
            "stop_details": None,
            "container": None,
            "usage": {
                "input_tokens": tokens(self._prompt_text(body)),
                "cache_creation_input_tokens": 0,
                "cache_read_input_tokens": 0,
                "cache_creation": {
                    "ephemeral_5m_input_tokens": 0,
                    "ephemeral_1h_input_tokens": 0,
                },
                "output_tokens": tokens(json.dumps(content)),
                "service_tier": "standard",
            },
        }

    def _content(self, body: dict[str, Any], reply: Reply) -> tuple[list[dict[str, Any]], str]:
        if reply.kind == "refusal":
            return [], "refusal"
        tool = None
        if reply.kind == "json" and body.get("tools"):
            tool = pick_tool(body["tools"], body.get("tool_choice"), reply.tool)
        if tool:
            block = {"type": "tool_use", "id": "toolu_01" + rand_id(22), "name": tool}
            return [{**block, "input": reply.payload}], "tool_use"
        text = self._answer_text(reply)
        stop = "max_tokens" if reply.truncated else "end_turn"
        return [{"type": "text", "text": text, "citations": None}], stop

    def _error_body(self, status: int, message: str | None) -> dict[str, Any]:
        kind, default = _ANTHROPIC_ERRORS.get(status, ("api_error", "Internal server error"))
        return {
            "type": "error",
            "error": {"type": kind, "message": message or default},
            "request_id": "req_011" + rand_id(21),
        }

    def _headers(self) -> dict[str, str]:
        return {
            "request-id": "req_011" + rand_id(21),
            "anthropic-organization-id": "org-test",
        }
