"""MillionVerifier: ``GET /api/v3/?api=KEY&email=...&timeout=10``."""

from __future__ import annotations

from typing import Any

from tests.servers.http import Request, Response
from tests.servers.vendors._base import VendorFake, query_param

# result -> (quality, resultcode, subresult). quality/result/resultcode follow MillionVerifier's
# API v3 docs; the subresult strings are examples, so clients should not branch on them.
_MV_RESULTS = {
    "ok": ("good", 1, "ok"),
    "catch_all": ("risky", 2, "catch_all"),
    "unknown": ("risky", 3, "unknown"),
    "error": ("bad", 4, "invalid_syntax"),
    "disposable": ("bad", 5, "disposable"),
    "invalid": ("bad", 6, "mailbox_not_found"),
}
_FREE = {"gmail.com", "yahoo.com", "hotmail.com", "outlook.com", "icloud.com", "gmx.de"}
_ROLE = {
    "info",
    "contact",
    "sales",
    "hello",
    "office",
    "reservations",
    "booking",
    "admin",
}


class MillionVerifierFake(VendorFake):
    """``GET /api/v3/?api=KEY&email=...&timeout=10``.

    MillionVerifier answers HTTP 200 even for a bad key or no credits, with ``error`` set and
    ``result`` "error"; a client must look at ``error`` before ``result``.
    """

    def __init__(self, *, api_key: str = "test-key", tls: bool = False, credits: int = 1000):
        super().__init__(api_key=api_key, tls=tls)
        self.results: dict[str, str] = {}
        self.credits = credits
        self.default_result = "unknown"
        self.server.route("GET", r"/api/v3/?", self._verify)

    def add(self, email: str, result: str) -> None:
        """``result``: ok, catch_all, unknown, error, disposable, invalid."""
        if result not in _MV_RESULTS:
            raise ValueError(f"unknown MillionVerifier result {result!r}")
        self.results[email.lower()] = result

    def _record(self, email: str, result: str, error: str = "") -> dict[str, Any]:
        quality, code, sub = _MV_RESULTS[result]
        local, _, domain = email.lower().partition("@")
        return {
            "email": email,
            "quality": quality,
            "result": result,
            "resultcode": code,
            "subresult": sub,
            "free": domain in _FREE,
            "role": local in _ROLE,
            "didyoumean": "",
            "credits": self.credits,
            "executiontime": 1,
            "error": error,
            "livemode": True,
        }

    def _verify(self, req: Request) -> Response:
        email = query_param(req, "email")
        if failed := self._scripted_failure():
            return failed
        if query_param(req, "api") != self.api_key:
            return Response(200, self._record(email, "error", "Invalid API key"))
        if self.credits <= 0:
            return Response(200, self._record(email, "error", "Insufficient credits"))
        with self._lock:
            self.credits -= 1
        return Response(
            200,
            self._record(email, self.results.get(email.lower(), self.default_result)),
        )

    def _error(self, status: int, message: str | None) -> Response:
        body = self._record("", "error", message or f"HTTP {status}")
        return Response(status, body)
