"""The scripted reply queue, auth check and recording shared by the LLM fakes."""

from __future__ import annotations

import json
import secrets
import string
import threading
from collections import deque
from dataclasses import dataclass
from typing import Any, Literal, Self

from tests.servers.http import HTTPTestServer, Request, Response, ServedFake

_ALPHABET = string.ascii_letters + string.digits


def rand_id(n: int) -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(n))


def tokens(text: str) -> int:
    """A rough tokenizer: never zero, grows with the text."""
    return max(1, (len(text) + 3) // 4)


ReplyKind = Literal["text", "json", "fail", "hang", "malformed", "refusal"]


@dataclass
class Reply:
    kind: ReplyKind
    payload: Any = None
    status: int = 200
    retry_after: float | None = None
    seconds: float = 0.0
    tool: str | None = None
    truncated: bool = False


class ChatFake(ServedFake):
    """Queue, auth and recording shared by both vendors; subclasses shape the bodies."""

    path = ""
    default_model = ""
    default_text = "OK"

    def __init__(self, *, api_key: str = "test-key", tls: bool = False) -> None:
        self.api_key = api_key
        self.server = HTTPTestServer(tls=tls)
        self.server.route("POST", self.path, self._handle)
        self._queue: deque[Reply] = deque()
        self._lock = threading.Lock()

    # -- scripting -----------------------------------------------------------------------
    def reply_text(self, text: str, *, truncated: bool = False) -> Self:
        return self._push(Reply("text", text, truncated=truncated))

    def reply_json(self, data: Any, *, tool: str | None = None) -> Self:
        """Answer ``data``: as a tool call when the request offered tools (``tool`` picks one),
        otherwise as JSON text (what structured outputs / json_schema return)."""
        return self._push(Reply("json", data, tool=tool))

    def refuse(self, text: str = "I can't help with that.") -> Self:
        return self._push(Reply("refusal", text))

    def fail(
        self,
        status: int,
        *,
        retry_after: float | None = None,
        message: str | None = None,
    ) -> Self:
        return self._push(Reply("fail", message, status=status, retry_after=retry_after))

    def hang(self, seconds: float) -> Self:
        """Stall ``seconds`` before answering normally: longer than the client's timeout."""
        return self._push(Reply("hang", seconds=seconds))

    def malformed(self) -> Self:
        return self._push(Reply("malformed"))

    def _push(self, reply: Reply) -> Self:
        with self._lock:
            self._queue.append(reply)
        return self

    def _next(self) -> Reply:
        with self._lock:
            return self._queue.popleft() if self._queue else Reply("text", self.default_text)

    @property
    def pending(self) -> int:
        """Scripted replies not consumed yet; a test can assert it reaches 0."""
        return len(self._queue)

    # -- recording -----------------------------------------------------------------------
    @property
    def requests(self) -> list[Request]:
        return [r for r in self.server.requests if r.path == self.path]

    @property
    def bodies(self) -> list[Any]:
        return [r.json() for r in self.requests]

    # -- handling ------------------------------------------------------------------------
    def _handle(self, req: Request) -> Response:
        if not self._authorized(req.headers):
            return self._error(401, None)
        try:
            body = req.json()
        except ValueError:
            return self._error(400, "Request body is not valid JSON.")
        if problem := self._invalid(body):
            return self._error(400, problem)
        reply = self._next()
        if reply.kind == "fail":
            return self._error(reply.status, reply.payload, reply.retry_after)
        if reply.kind == "malformed":
            cut = json.dumps(self._success(body, Reply("text", self.default_text)))
            return Response(200, cut[: len(cut) // 2], {"Content-Type": "application/json"})
        if reply.kind == "hang":
            ok = self._success(body, Reply("text", self.default_text))
            return Response(200, ok, self._headers(), delay=reply.seconds)
        return Response(200, self._success(body, reply), self._headers())

    def _error(
        self, status: int, message: str | None, retry_after: float | None = None
    ) -> Response:
        headers = self._headers()
        if retry_after is not None:
            headers["retry-after"] = f"{retry_after:g}"
        return Response(status, self._error_body(status, message), headers)

    @staticmethod
    def _prompt_text(body: dict[str, Any]) -> str:
        keys = ("system", "messages", "tools", "response_format", "output_config")
        return json.dumps([body.get(k) for k in keys])

    @staticmethod
    def _answer_text(reply: Reply) -> str:
        if reply.kind == "json":
            return json.dumps(reply.payload)
        return str(reply.payload)

    def _authorized(self, headers: dict[str, str]) -> bool:
        raise NotImplementedError

    def _invalid(self, body: Any) -> str | None:
        raise NotImplementedError

    def _success(self, body: dict[str, Any], reply: Reply) -> dict[str, Any]:
        raise NotImplementedError

    def _error_body(self, status: int, message: str | None) -> dict[str, Any]:
        raise NotImplementedError

    def _headers(self) -> dict[str, str]:
        raise NotImplementedError


def pick_tool(tools: list[dict[str, Any]], choice: Any, wanted: str | None) -> str | None:
    """The tool the model would call: the named one, the forced one, else the first."""
    names = [t.get("name") or t.get("function", {}).get("name") for t in tools]
    names = [n for n in names if n]
    if wanted:
        return wanted
    if isinstance(choice, dict):
        forced = choice.get("name") or choice.get("function", {}).get("name")
        if forced:
            return forced
        if choice.get("type") == "none":
            return None
    if choice == "none":
        return None
    return names[0] if names else None
