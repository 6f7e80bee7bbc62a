"""What every vendor fake shares: key check, scripted failures, recording, lifecycle."""

from __future__ import annotations

import threading
from collections import deque
from typing import Self

from tests.servers.http import HTTPTestServer, Request, Response, ServedFake


class VendorFake(ServedFake):
    def __init__(self, *, api_key: str = "test-key", tls: bool = False) -> None:
        self.api_key = api_key
        self.server = HTTPTestServer(tls=tls)
        self._failures: deque[tuple[int, float | None, str | None]] = deque()
        self._lock = threading.Lock()

    def fail(
        self,
        status: int,
        *,
        retry_after: float | None = None,
        message: str | None = None,
    ) -> Self:
        """Make the next request fail; call again to fail several in a row."""
        with self._lock:
            self._failures.append((status, retry_after, message))
        return self

    def _scripted_failure(self) -> Response | None:
        with self._lock:
            if not self._failures:
                return None
            status, retry_after, message = self._failures.popleft()
        resp = self._error(status, message)
        if retry_after is not None:
            resp.headers["Retry-After"] = f"{retry_after:g}"
        return resp

    def _guard(self, key: str | None) -> Response | None:
        """A scripted failure first (it happens before auth on the real side too), then auth."""
        return self._scripted_failure() or (None if key == self.api_key else self._error(401, None))

    def _error(self, status: int, message: str | None) -> Response:
        raise NotImplementedError

    @property
    def requests(self) -> list[Request]:
        return self.server.requests


def query_param(req: Request, name: str) -> str:
    return (req.query.get(name) or [""])[0]
