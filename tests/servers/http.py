"""A small threaded HTTP(S) server for the vendor fakes (Graph, LLMs, Hunter, ...).

Routes map ``(METHOD, regex)`` to a handler ``fn(request) -> Response``. Every request is
recorded, so a test can assert what the real SDK sent (headers, JSON body, query).
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self
from urllib.parse import parse_qs, urlsplit

from tests.servers import certs


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    match: re.Match[str] | None = None

    def json(self) -> Any:
        return json.loads(self.body or b"null")


@dataclass
class Response:
    status: int = 200
    body: bytes | str | dict[str, Any] | list[Any] = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds to stall before answering (timeouts)

    def encoded(self) -> tuple[bytes, dict[str, str]]:
        headers = dict(self.headers)
        if isinstance(self.body, dict | list):
            headers.setdefault("Content-Type", "application/json")
            return json.dumps(self.body).encode(), headers
        if isinstance(self.body, str):
            headers.setdefault("Content-Type", "text/plain; charset=utf-8")
            return self.body.encode(), headers
        return self.body, headers


Handler = Callable[[Request], Response]


class HTTPTestServer:
    """``with HTTPTestServer(tls=True) as srv: srv.route("POST", r"/v1/messages", fn)``."""

    def __init__(self, *, tls: bool = False) -> None:
        self.tls = tls
        self.routes: list[tuple[str, re.Pattern[str], Handler]] = []
        self.requests: list[Request] = []
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- routing -------------------------------------------------------------------------
    def route(self, method: str, pattern: str, handler: Handler) -> None:
        """Later routes win, so a test can override a default handler."""
        self.routes.insert(0, (method.upper(), re.compile(pattern), handler))

    def _dispatch(self, req: Request) -> Response:
        with self._lock:
            self.requests.append(req)
        for method, pattern, handler in list(self.routes):
            m = pattern.fullmatch(req.path)
            if m and method == req.method:
                req.match = m
                return handler(req)
        return Response(404, {"error": f"no route for {req.method} {req.path}"})

    # -- lifecycle -----------------------------------------------------------------------
    @property
    def port(self) -> int:
        assert self._server is not None
        return self._server.server_address[1]

    @property
    def url(self) -> str:
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}"

    def start(self) -> HTTPTestServer:
        owner = self

        class _H(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # else every small response stalls ~40 ms

            def log_message(self, *args: Any) -> None:  # keep test output clean
                pass

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                parts = urlsplit(self.path)
                req = Request(
                    method=self.command,
                    path=parts.path,
                    query=parse_qs(parts.query),
                    headers={k.lower(): v for k, v in self.headers.items()},
                    body=body,
                )
                resp = owner._dispatch(req)
                if resp.delay:
                    threading.Event().wait(resp.delay)
                payload, headers = resp.encoded()
                try:
                    self.send_response(resp.status)
                    for k, v in headers.items():
                        self.send_header(k, v)
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeout tests)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _handle

        server = ThreadingHTTPServer(("127.0.0.1", 0), _H)
        server.daemon_threads = True
        if self.tls:
            server.socket = certs.server_context().wrap_socket(server.socket, server_side=True)
        self._server = server
        # a short poll keeps stop() quick (socketserver polls every 0.5 s by default)
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> HTTPTestServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class ServedFake:
    """The lifecycle of a vendor fake served by one ``HTTPTestServer`` (``self.server``)."""

    server: HTTPTestServer

    @property
    def url(self) -> str:
        return self.server.url

    def start(self) -> Self:
        self.server.start()
        return self

    def stop(self) -> None:
        self.server.stop()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
