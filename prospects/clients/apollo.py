"""Apollo: ``POST /api/v1/people/match`` (a named person at a domain), key in ``X-Api-Key``."""

from __future__ import annotations

from dataclasses import dataclass

from prospects.clients._vendor import vendor_request
from prospects.conf import knob, vendor_key, vendor_url

VENDOR = "apollo"


@dataclass
class ApolloPerson:
    email: str
    email_status: str  # verified, guessed, unavailable, ... (Apollo's words)
    title: str = ""
    linkedin_url: str = ""


def configured() -> bool:
    return bool(vendor_key("APOLLO"))


def match_person(first: str, last: str, domain: str) -> ApolloPerson | None:
    url = vendor_url("APOLLO", "https://api.apollo.io") + "/api/v1/people/match"
    body = vendor_request(
        VENDOR,
        "POST",
        url,
        purpose="finder",
        timeout=knob("VENDOR_TIMEOUT"),
        json={"first_name": first, "last_name": last, "domain": domain},
        headers={"X-Api-Key": vendor_key("APOLLO"), "Cache-Control": "no-cache"},
    )
    person = body.get("person") if isinstance(body, dict) else None
    if not isinstance(person, dict) or not person.get("email"):
        return None
    return ApolloPerson(
        email=str(person["email"]),
        email_status=str(person.get("email_status") or ""),
        title=str(person.get("title") or ""),
        linkedin_url=str(person.get("linkedin_url") or ""),
    )
