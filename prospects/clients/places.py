"""Google Places API (New), Text Search: ``POST {GOOGLE_PLACES_BASE_URL}/v1/places:searchText``.

The key goes in ``X-Goog-Api-Key`` and the wanted fields in ``X-Goog-FieldMask`` (the API
answers only those, and bills by the fields asked: ``FIELDS`` is the Pro/Enterprise set we
need, website and phone included). Results come 20 a page, following ``nextPageToken``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from prospects.clients import VendorError
from prospects.clients._vendor import _message
from prospects.conf import knob, vendor_key, vendor_url

VENDOR = "google_places"
FIELDS = ",".join(
    [
        "places.id",
        "places.displayName",
        "places.formattedAddress",
        "places.addressComponents",
        "places.websiteUri",
        "places.nationalPhoneNumber",
        "places.internationalPhoneNumber",
        "places.googleMapsUri",
        "places.types",
        "nextPageToken",
    ]
)
PAGE_SIZE = 20


@dataclass
class Place:
    place_id: str
    name: str
    address: str = ""
    city: str = ""
    country: str = ""
    website: str = ""
    phone: str = ""
    maps_url: str = ""


def configured() -> bool:
    return bool(vendor_key("GOOGLE_PLACES"))


def _component(place: dict[str, Any], kind: str) -> str:
    for component in place.get("addressComponents") or []:
        if kind in (component.get("types") or []):
            return str(component.get("longText") or component.get("shortText") or "")
    return ""


def _place(raw: dict[str, Any]) -> Place:
    name = raw.get("displayName") or {}
    city = _component(raw, "locality") or _component(raw, "postal_town")
    return Place(
        place_id=str(raw.get("id") or ""),
        name=str(name.get("text") or "") if isinstance(name, dict) else str(name),
        address=str(raw.get("formattedAddress") or ""),
        city=city,
        country=_component(raw, "country"),
        website=str(raw.get("websiteUri") or ""),
        phone=str(raw.get("internationalPhoneNumber") or raw.get("nationalPhoneNumber") or ""),
        maps_url=str(raw.get("googleMapsUri") or ""),
    )


def _page(query: str, token: str, size: int) -> dict[str, Any]:
    url = vendor_url("GOOGLE_PLACES", "https://places.googleapis.com") + "/v1/places:searchText"
    headers = {"X-Goog-Api-Key": vendor_key("GOOGLE_PLACES"), "X-Goog-FieldMask": FIELDS}
    body: dict[str, Any] = {"textQuery": query, "pageSize": size}
    if token:
        body["pageToken"] = token
    try:
        response = httpx.post(
            url, json=body, headers=headers, timeout=knob("VENDOR_TIMEOUT"), trust_env=False
        )
    except httpx.HTTPError as exc:
        raise VendorError(VENDOR, f"{type(exc).__name__}: {exc}", retryable=True) from exc
    if response.status_code >= 400:
        detail = f"HTTP {response.status_code}: {_message(response)}"
        retryable = response.status_code == 429 or response.status_code >= 500
        raise VendorError(VENDOR, detail, retryable=retryable)
    try:
        data = response.json()
    except ValueError as exc:
        raise VendorError(VENDOR, "unreadable answer", retryable=True) from exc
    return data if isinstance(data, dict) else {}


def text_search(query: str, *, max_results: int | None = None) -> list[Place]:
    """Up to ``max_results`` places (settings PLACES_MAX_RESULTS) for a free-text query."""
    wanted = max_results or knob("PLACES_MAX_RESULTS")
    places: list[Place] = []
    token = ""
    while len(places) < wanted:
        data = _page(query, token, min(PAGE_SIZE, wanted - len(places)))
        places += [_place(raw) for raw in data.get("places") or [] if isinstance(raw, dict)]
        token = str(data.get("nextPageToken") or "")
        if not token:
            break
    return places[:wanted]
