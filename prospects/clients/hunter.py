"""Hunter: ``GET /v2/email-finder`` (a person's address at a domain) and
``GET /v2/email-verifier`` (is this address deliverable). The key goes in ``api_key``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from prospects.clients._vendor import vendor_request
from prospects.conf import knob, vendor_key, vendor_url

VENDOR = "hunter"


@dataclass
class HunterFind:
    email: str
    score: int | None
    verification: str  # Hunter's own verification status of the address ("" when none)
    position: str = ""
    linkedin_url: str = ""


@dataclass
class HunterCheck:
    status: str  # valid, invalid, accept_all, webmail, disposable, unknown
    result: str  # deliverable, undeliverable, risky
    score: int | None


def configured() -> bool:
    return bool(vendor_key("HUNTER"))


def _get(path: str, params: dict[str, str], purpose: str) -> dict[str, Any]:
    url = vendor_url("HUNTER", "https://api.hunter.io") + path
    params = {**params, "api_key": vendor_key("HUNTER")}
    body = vendor_request(
        VENDOR, "GET", url, purpose=purpose, timeout=knob("VENDOR_TIMEOUT"), params=params
    )
    data = body.get("data") if isinstance(body, dict) else None
    return data if isinstance(data, dict) else {}


def find_email(first: str, last: str, domain: str) -> HunterFind | None:
    data = _get(
        "/v2/email-finder",
        {"domain": domain, "first_name": first, "last_name": last},
        "finder",
    )
    if not data.get("email"):
        return None
    verification = data.get("verification") or {}
    return HunterFind(
        email=str(data["email"]),
        score=data.get("score"),
        verification=str(verification.get("status") or ""),
        position=str(data.get("position") or ""),
        linkedin_url=str(data.get("linkedin_url") or ""),
    )


def verify_email(email: str) -> HunterCheck:
    data = _get("/v2/email-verifier", {"email": email}, "verifier")
    return HunterCheck(
        status=str(data.get("status") or "unknown"),
        result=str(data.get("result") or ""),
        score=data.get("score"),
    )
