"""Google Places (New): ``POST /v1/places:searchText``."""

from __future__ import annotations

import secrets
from typing import Any

from tests.servers.http import Request, Response
from tests.servers.vendors._base import VendorFake, query_param

_GOOGLE_STATUS = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    503: "UNAVAILABLE",
}


def make_place(
    name: str,
    address: str,
    *,
    website: str | None = None,
    phone: str | None = None,
    city: str | None = None,
    country: str | None = None,
    country_code: str | None = None,
) -> dict[str, Any]:
    """A place as Text Search (New) returns it with every field in the mask."""
    components = []
    if city:
        components.append({"longText": city, "shortText": city, "types": ["locality", "political"]})
    if country_code:
        code = country_code.upper()
        components.append(
            {"longText": country or code, "shortText": code, "types": ["country", "political"]}
        )
    place = {
        "id": "ChIJ" + secrets.token_urlsafe(20),
        "displayName": {"text": name, "languageCode": "en"},
        "formattedAddress": address,
        "addressComponents": [{**c, "languageCode": "en"} for c in components],
        "types": ["lodging", "point_of_interest", "establishment"],
    }
    if website:
        place["websiteUri"] = website
    if phone:
        place["nationalPhoneNumber"] = phone
    return place


class PlacesFake(VendorFake):
    """``POST /v1/places:searchText`` with ``X-Goog-Api-Key`` and ``X-Goog-FieldMask``.

    Only the fields named in the mask come back, as on the real API; no result is ``{}``.
    """

    def __init__(self, *, api_key: str = "test-key", tls: bool = False) -> None:
        super().__init__(api_key=api_key, tls=tls)
        self.places: dict[str, list[dict[str, Any]]] = {}
        self.server.route("POST", r"/v1/places:searchText", self._search)

    def add(self, query: str, *places: dict[str, Any]) -> None:
        self.places.setdefault(query.lower(), []).extend(places)

    def _search(self, req: Request) -> Response:
        if failed := self._scripted_failure():
            return failed
        key = req.headers.get("x-goog-api-key") or query_param(req, "key")
        if key != self.api_key:
            return self._bad_key()
        mask = req.headers.get("x-goog-fieldmask") or query_param(req, "fields")
        if not mask:
            return self._error(
                400,
                "FieldMask is a required parameter. Set the header "
                "'X-Goog-FieldMask', e.g. to 'places.displayName,places.id'.",
            )
        body = req.json() or {}
        if not body.get("textQuery"):
            return self._error(400, "Empty text_query.")
        found = self.places.get(body["textQuery"].lower(), [])
        token = str(body.get("pageToken") or "0")
        if not token.isdigit():
            return self._error(400, "Invalid page_token.")
        start = int(token)
        size = min(int(body.get("pageSize") or 20), 20)
        page, more = found[start : start + size], start + size < len(found)
        return Response(200, self._masked(mask, page, str(start + size) if more else None))

    @staticmethod
    def _masked(mask: str, places: list[dict[str, Any]], token: str | None) -> dict[str, Any]:
        fields = {f.strip() for f in mask.split(",")}
        wanted = {f.split(".")[1] for f in fields if f.startswith("places.")}
        everything = "*" in fields or "places" in fields
        out: dict[str, Any] = {}
        if places and (everything or wanted):
            out["places"] = [
                {k: v for k, v in p.items() if everything or k in wanted} for p in places
            ]
        if token and ("*" in fields or "nextPageToken" in fields):
            out["nextPageToken"] = token
        return out

    def _bad_key(self) -> Response:
        body = self._error_body(400, "API key not valid. Please pass a valid API key.")
        body["error"]["details"] = [
            {
                "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                "reason": "API_KEY_INVALID",
                "domain": "googleapis.com",
                "metadata": {"service": "places.googleapis.com"},
            }
        ]
        return Response(400, body)

    def _error(self, status: int, message: str | None) -> Response:
        return Response(status, self._error_body(status, message))

    @staticmethod
    def _error_body(status: int, message: str | None) -> dict[str, Any]:
        state = _GOOGLE_STATUS.get(status, "INTERNAL")
        if message is None and status == 429:
            message = (
                "Quota exceeded for quota metric 'SearchTextRequest' and limit "
                "'SearchTextRequest per minute' of service 'places.googleapis.com'."
            )
        text = message or state.replace("_", " ").capitalize()
        return {"error": {"code": status, "message": text, "status": state}}
