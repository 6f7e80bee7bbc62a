"""MillionVerifier: ``GET /api/v3/?api=KEY&email=...&timeout=10``.

It answers HTTP 200 even for a bad key or no credits, with ``error`` set: that is checked
before ``result`` (ok, catch_all, unknown, error, disposable, invalid).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from prospects.clients._vendor import vendor_request
from prospects.conf import knob, vendor_key, vendor_url

VENDOR = "millionverifier"


@dataclass
class MillionVerifierCheck:
    result: str
    quality: str
    subresult: str


def configured() -> bool:
    return bool(vendor_key("MILLIONVERIFIER"))


def _error(body: Any) -> str:
    if not isinstance(body, dict):
        return "unreadable answer"
    return str(body.get("error") or "")


def verify_email(email: str) -> MillionVerifierCheck:
    url = vendor_url("MILLIONVERIFIER", "https://api.millionverifier.com") + "/api/v3/"
    params = {"api": vendor_key("MILLIONVERIFIER"), "email": email, "timeout": "10"}
    body = vendor_request(
        VENDOR,
        "GET",
        url,
        purpose="verifier",
        timeout=knob("VENDOR_TIMEOUT") + 10,  # the vendor may spend its own 10 s first
        check=_error,
        params=params,
    )
    return MillionVerifierCheck(
        result=str(body.get("result") or "unknown"),
        quality=str(body.get("quality") or ""),
        subresult=str(body.get("subresult") or ""),
    )
