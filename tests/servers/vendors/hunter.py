"""Hunter: ``GET /v2/email-finder`` and ``GET /v2/email-verifier``.

A person Hunter cannot find is a 200 whose ``data.email`` and ``data.score`` are null.
"""

from __future__ import annotations

from typing import Any

from tests.servers.http import Request, Response
from tests.servers.vendors._base import VendorFake, query_param

_HUNTER_ERRORS = {
    400: ("wrong_params", "You are missing a required parameter."),
    401: ("authentication_failed", "No user found for the API key supplied"),
    403: ("restricted_account", "Your account has been restricted."),
    429: ("too_many_requests", "You have reached the usage limit of your plan."),
    451: (
        "claimed_email",
        "The owner of this email address asked us to stop processing it.",
    ),
    500: ("internal_error", "Something went wrong on our side."),
}
_HUNTER_RESULT = {
    "valid": "deliverable",
    "invalid": "undeliverable",
    "webmail": "deliverable",
}


class HunterFake(VendorFake):
    """``GET /v2/email-finder`` and ``GET /v2/email-verifier`` (key in ``api_key=``)."""

    def __init__(self, *, api_key: str = "test-key", tls: bool = False) -> None:
        super().__init__(api_key=api_key, tls=tls)
        self.people: dict[tuple[str, str, str], dict[str, Any]] = {}
        self.verifications: dict[str, dict[str, Any]] = {}
        self.server.route("GET", r"/v2/email-finder", self._finder)
        self.server.route("GET", r"/v2/email-verifier", self._verifier)

    def add_person(
        self,
        first: str,
        last: str,
        domain: str,
        email: str,
        *,
        score: int = 91,
        **extra: Any,
    ) -> None:
        key = (first.lower(), last.lower(), domain.lower())
        self.people[key] = {"email": email, "score": score, **extra}

    def add_verification(self, email: str, status: str = "valid", *, score: int = 100) -> None:
        """``status``: valid, invalid, accept_all, webmail, disposable, unknown."""
        self.verifications[email.lower()] = {"status": status, "score": score}

    def _key(self, req: Request) -> str | None:
        bearer = req.headers.get("authorization", "").removeprefix("Bearer ")
        return query_param(req, "api_key") or req.headers.get("x-api-key") or bearer or None

    def _finder(self, req: Request) -> Response:
        if blocked := self._guard(self._key(req)):
            return blocked
        first, last, domain = (
            query_param(req, "first_name"),
            query_param(req, "last_name"),
            query_param(req, "domain"),
        )
        if not domain or not ((first and last) or query_param(req, "full_name")):
            return self._error(400, "You are missing the domain or the name parameters.")
        found = self.people.get((first.lower(), last.lower(), domain.lower()), {})
        data = {
            "first_name": first,
            "last_name": last,
            "email": found.get("email"),
            "score": found.get("score"),
            "domain": domain,
            "accept_all": found.get("accept_all", False),
            "position": found.get("position"),
            "twitter": None,
            "linkedin_url": found.get("linkedin_url"),
            "phone_number": None,
            "company": found.get("company"),
            "sources": found.get("sources", []),
            "verification": {"date": None, "status": found.get("verification")},
        }
        meta = {"params": {"first_name": first, "last_name": last, "full_name": None}}
        meta["params"] |= {"domain": domain, "company": None, "max_duration": None}
        return Response(200, {"data": data, "meta": meta})

    def _verifier(self, req: Request) -> Response:
        if blocked := self._guard(self._key(req)):
            return blocked
        email = query_param(req, "email")
        if "@" not in email:
            return self._error(400, "The email parameter is invalid.")
        known = self.verifications.get(email.lower(), {"status": "unknown", "score": 0})
        status = known["status"]
        data = {
            "status": status,
            "result": _HUNTER_RESULT.get(status, "risky"),
            "score": known["score"],
            "email": email,
            "regexp": True,
            "gibberish": False,
            "disposable": status == "disposable",
            "webmail": status == "webmail",
            "mx_records": status != "invalid",
            "smtp_server": status != "invalid",
            "smtp_check": status in ("valid", "webmail"),
            "accept_all": status == "accept_all",
            "block": False,
            "sources": [],
        }
        return Response(200, {"data": data, "meta": {"params": {"email": email}}})

    def _error(self, status: int, message: str | None) -> Response:
        kind, default = _HUNTER_ERRORS.get(status, _HUNTER_ERRORS[500])
        return Response(
            status,
            {"errors": [{"id": kind, "code": status, "details": message or default}]},
        )
