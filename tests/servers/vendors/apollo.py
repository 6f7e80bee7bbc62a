"""Apollo: ``POST /api/v1/people/match`` with ``X-Api-Key``."""

from __future__ import annotations

import secrets
from typing import Any

from tests.servers.http import Request, Response
from tests.servers.vendors._base import VendorFake


class ApolloFake(VendorFake):
    """``POST /api/v1/people/match`` with ``X-Api-Key``; params in the JSON body or query."""

    def __init__(self, *, api_key: str = "test-key", tls: bool = False) -> None:
        super().__init__(api_key=api_key, tls=tls)
        self.people: dict[tuple[str, str, str], dict[str, Any]] = {}
        self.server.route("POST", r"/api/v1/people/match", self._match)

    def add_person(
        self,
        first: str,
        last: str,
        domain: str,
        *,
        email: str | None,
        email_status: str = "verified",
        title: str | None = None,
        organization_name: str | None = None,
        **extra: Any,
    ) -> None:
        org = organization_name or domain.split(".")[0].title()
        self.people[(first.lower(), last.lower(), domain.lower())] = {
            "id": secrets.token_hex(12),
            "first_name": first,
            "last_name": last,
            "name": f"{first} {last}",
            "linkedin_url": extra.pop("linkedin_url", None),
            "title": title,
            "headline": title,
            "email_status": email_status if email else "unavailable",
            "email": email,
            "photo_url": None,
            "twitter_url": None,
            "github_url": None,
            "facebook_url": None,
            "extrapolated_email_confidence": None,
            "employment_history": [],
            "departments": [],
            "seniority": extra.pop("seniority", None),
            "city": extra.pop("city", None),
            "state": None,
            "country": extra.pop("country", None),
            "organization": self._organization(org, domain),
            **extra,
        }

    @staticmethod
    def _organization(name: str, domain: str) -> dict[str, Any]:
        return {
            "id": secrets.token_hex(12),
            "name": name,
            "website_url": f"http://www.{domain}",
            "linkedin_url": None,
            "primary_domain": domain,
            "phone": None,
            "founded_year": None,
            "estimated_num_employees": None,
        }

    def _match(self, req: Request) -> Response:
        if blocked := self._guard(req.headers.get("x-api-key")):
            return blocked
        params = {k: v[0] for k, v in req.query.items()}
        if req.body:
            params |= {k: v for k, v in req.json().items() if isinstance(v, str)}
        domain = params.get("domain") or params.get("organization_domain", "")
        key = (
            params.get("first_name", "").lower(),
            params.get("last_name", "").lower(),
        )
        person = self.people.get((*key, domain.lower()))
        if person is None and params.get("email"):
            wanted = params["email"].lower()
            emails = ((p, (p["email"] or "").lower()) for p in self.people.values())
            person = next((p for p, e in emails if e == wanted), None)
        if person is not None:
            person = {**person, "organization_id": person["organization"]["id"]}
        return Response(200, {"person": person})

    def _error(self, status: int, message: str | None) -> Response:
        if status == 429:
            text = message or (
                "The maximum number of api calls allowed for api/v1/people/match is 600 times "
                "per hour. Please upgrade your plan from https://app.apollo.io/#/settings/plans/upgrade."
            )
            return Response(429, {"message": text})
        if status == 401:
            return Response(401, {"error": message or "Invalid access credentials."})
        return Response(status, {"error": message or "Something went wrong"})
