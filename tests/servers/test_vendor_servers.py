"""The vendor fakes answer over HTTP with the vendors' own shapes, driven with httpx."""

from __future__ import annotations

import httpx

from tests.servers.vendors import (
    ApolloFake,
    HunterFake,
    MillionVerifierFake,
    PlacesFake,
    make_place,
)

# -- Hunter ---------------------------------------------------------------------------------


def _find(hunter: HunterFake, first: str, last: str, domain: str, key: str = "") -> httpx.Response:
    params = {"domain": domain, "first_name": first, "last_name": last}
    params["api_key"] = key or hunter.api_key
    return httpx.get(f"{hunter.url}/v2/email-finder", params=params)


def test_hunter_finds_a_known_person(hunter_server: HunterFake) -> None:
    hunter_server.add_person("Ana", "Lima", "hotel-lima.pt", "ana@hotel-lima.pt", score=94)
    resp = _find(hunter_server, "ana", "LIMA", "hotel-lima.pt")
    assert resp.status_code == 200
    data = resp.json()["data"]
    assert (data["email"], data["score"], data["domain"]) == (
        "ana@hotel-lima.pt",
        94,
        "hotel-lima.pt",
    )
    assert resp.json()["meta"]["params"]["domain"] == "hotel-lima.pt"


def test_hunter_unknown_person_has_no_email(hunter_server: HunterFake) -> None:
    data = _find(hunter_server, "Rui", "Costa", "hotel-lima.pt").json()["data"]
    assert data["email"] is None and data["score"] is None


def test_hunter_wrong_key_and_scripted_rate_limit(hunter_server: HunterFake) -> None:
    bad = _find(hunter_server, "Ana", "Lima", "hotel-lima.pt", key="nope")
    assert bad.status_code == 401
    assert bad.json()["errors"][0]["id"] == "authentication_failed"
    hunter_server.fail(429, retry_after=60)
    limited = _find(hunter_server, "Ana", "Lima", "hotel-lima.pt")
    assert limited.status_code == 429 and limited.headers["retry-after"] == "60"
    assert limited.json()["errors"][0] == {
        "id": "too_many_requests",
        "code": 429,
        "details": "You have reached the usage limit of your plan.",
    }
    assert _find(hunter_server, "Ana", "Lima", "hotel-lima.pt").status_code == 200
    assert len(hunter_server.requests) == 3


def test_hunter_verifier_reports_status(hunter_server: HunterFake) -> None:
    hunter_server.add_verification("ana@hotel-lima.pt", "valid", score=98)
    hunter_server.add_verification("info@hotel-lima.pt", "accept_all", score=60)

    def verify(email: str) -> dict[str, object]:
        params = {"email": email, "api_key": hunter_server.api_key}
        return httpx.get(f"{hunter_server.url}/v2/email-verifier", params=params).json()["data"]

    assert verify("ana@hotel-lima.pt")["status"] == "valid"
    assert verify("ana@hotel-lima.pt")["result"] == "deliverable"
    catch_all = verify("info@hotel-lima.pt")
    assert (catch_all["status"], catch_all["accept_all"], catch_all["score"]) == (
        "accept_all",
        True,
        60,
    )
    assert verify("who@nowhere.test")["status"] == "unknown"


def test_hunter_missing_domain_is_a_400(hunter_server: HunterFake) -> None:
    resp = httpx.get(
        f"{hunter_server.url}/v2/email-finder",
        params={"first_name": "Ana", "last_name": "Lima", "api_key": hunter_server.api_key},
    )
    assert resp.status_code == 400 and resp.json()["errors"][0]["id"] == "wrong_params"


# -- MillionVerifier ------------------------------------------------------------------------


def _mv(fake: MillionVerifierFake, email: str, key: str = "") -> httpx.Response:
    params = {"api": key or fake.api_key, "email": email, "timeout": "10"}
    return httpx.get(f"{fake.url}/api/v3/", params=params)


def test_millionverifier_results_and_credits(millionverifier_server: MillionVerifierFake) -> None:
    millionverifier_server.add("ana@hotel-lima.pt", "ok")
    millionverifier_server.add("info@hotel-lima.pt", "catch_all")
    millionverifier_server.add("gone@hotel-lima.pt", "invalid")
    ok = _mv(millionverifier_server, "ana@hotel-lima.pt").json()
    assert (ok["quality"], ok["result"], ok["resultcode"], ok["error"]) == ("good", "ok", 1, "")
    catch_all = _mv(millionverifier_server, "info@hotel-lima.pt").json()
    assert (catch_all["result"], catch_all["resultcode"], catch_all["role"]) == (
        "catch_all",
        2,
        True,
    )
    invalid = _mv(millionverifier_server, "gone@hotel-lima.pt").json()
    assert (invalid["quality"], invalid["resultcode"]) == ("bad", 6)
    assert invalid["credits"] == ok["credits"] - 2 and invalid["livemode"] is True


def test_millionverifier_bad_key_is_a_200_with_error(
    millionverifier_server: MillionVerifierFake,
) -> None:
    resp = _mv(millionverifier_server, "ana@hotel-lima.pt", key="nope")
    assert resp.status_code == 200
    assert resp.json()["error"] and resp.json()["result"] == "error"


def test_millionverifier_runs_out_of_credits() -> None:
    with MillionVerifierFake(credits=1) as fake:
        assert _mv(fake, "a@b.test").json()["error"] == ""
        assert _mv(fake, "a@b.test").json()["error"] == "Insufficient credits"


def test_millionverifier_scripted_failure(millionverifier_server: MillionVerifierFake) -> None:
    millionverifier_server.fail(429, retry_after=5)
    resp = _mv(millionverifier_server, "ana@hotel-lima.pt")
    assert resp.status_code == 429 and resp.headers["retry-after"] == "5"
    assert _mv(millionverifier_server, "ana@hotel-lima.pt").status_code == 200


# -- Apollo ---------------------------------------------------------------------------------


def _match(apollo: ApolloFake, body: dict[str, str], key: str = "") -> httpx.Response:
    headers = {"X-Api-Key": key or apollo.api_key, "Cache-Control": "no-cache"}
    return httpx.post(f"{apollo.url}/api/v1/people/match", json=body, headers=headers)


def test_apollo_matches_by_name_and_domain_or_email(apollo_server: ApolloFake) -> None:
    apollo_server.add_person(
        "Ana", "Lima", "hotel-lima.pt", email="ana@hotel-lima.pt", title="General Manager"
    )
    by_name = _match(
        apollo_server, {"first_name": "Ana", "last_name": "Lima", "domain": "hotel-lima.pt"}
    )
    person = by_name.json()["person"]
    assert (person["email"], person["email_status"], person["title"]) == (
        "ana@hotel-lima.pt",
        "verified",
        "General Manager",
    )
    assert person["organization"]["primary_domain"] == "hotel-lima.pt"
    by_email = _match(apollo_server, {"email": "ANA@hotel-lima.pt"}).json()["person"]
    assert by_email["id"] == person["id"]


def test_apollo_no_match_and_errors(apollo_server: ApolloFake) -> None:
    miss = _match(apollo_server, {"first_name": "Rui", "last_name": "Costa", "domain": "x.pt"})
    assert miss.status_code == 200 and miss.json()["person"] is None
    assert _match(apollo_server, {"email": "a@x.pt"}, key="nope").status_code == 401
    apollo_server.fail(429)
    limited = _match(apollo_server, {"email": "a@x.pt"})
    assert limited.status_code == 429 and "maximum number of api calls" in limited.json()["message"]
    assert apollo_server.requests[0].json()["domain"] == "x.pt"


# -- Google Places (New) --------------------------------------------------------------------


def _search(
    places: PlacesFake, body: dict[str, object], mask: str | None, key: str = ""
) -> httpx.Response:
    headers = {"X-Goog-Api-Key": key or places.api_key}
    if mask is not None:
        headers["X-Goog-FieldMask"] = mask
    return httpx.post(f"{places.url}/v1/places:searchText", json=body, headers=headers)


def _lisbon(places: PlacesFake, count: int = 1) -> None:
    for n in range(count):
        places.add(
            "boutique hotel Lisbon",
            make_place(
                f"Hotel {n}",
                f"Rua Augusta {n}, 1100-053 Lisboa, Portugal",
                website=f"https://hotel{n}.pt/",
                phone="21 000 0000",
                city="Lisboa",
                country="Portugal",
                country_code="pt",
            ),
        )


def test_places_returns_only_masked_fields(places_server: PlacesFake) -> None:
    _lisbon(places_server)
    mask = "places.id,places.displayName,places.websiteUri"
    resp = _search(places_server, {"textQuery": "Boutique hotel Lisbon"}, mask)
    (place,) = resp.json()["places"]
    assert set(place) == {"id", "displayName", "websiteUri"}
    assert place["displayName"] == {"text": "Hotel 0", "languageCode": "en"}
    everything = _search(places_server, {"textQuery": "boutique hotel Lisbon"}, "*").json()
    components = everything["places"][0]["addressComponents"]
    assert {
        "longText": "Portugal",
        "shortText": "PT",
        "types": ["country", "political"],
        "languageCode": "en",
    } in components


def test_places_pages_through_results(places_server: PlacesFake) -> None:
    _lisbon(places_server, count=3)
    mask = "places.displayName,nextPageToken"
    first = _search(
        places_server, {"textQuery": "boutique hotel Lisbon", "pageSize": 2}, mask
    ).json()
    assert len(first["places"]) == 2 and first["nextPageToken"]
    body = {
        "textQuery": "boutique hotel Lisbon",
        "pageSize": 2,
        "pageToken": first["nextPageToken"],
    }
    second = _search(places_server, body, mask).json()
    assert [p["displayName"]["text"] for p in second["places"]] == ["Hotel 2"]
    assert "nextPageToken" not in second


def test_places_no_result_is_an_empty_object(places_server: PlacesFake) -> None:
    assert _search(places_server, {"textQuery": "hotel on the moon"}, "places.id").json() == {}


def test_places_errors(places_server: PlacesFake) -> None:
    no_mask = _search(places_server, {"textQuery": "x"}, None)
    assert no_mask.status_code == 400 and "FieldMask" in no_mask.json()["error"]["message"]
    bad_key = _search(places_server, {"textQuery": "x"}, "*", key="nope").json()["error"]
    assert bad_key["status"] == "INVALID_ARGUMENT"
    assert bad_key["details"][0]["reason"] == "API_KEY_INVALID"
    places_server.fail(429)
    limited = _search(places_server, {"textQuery": "x"}, "*")
    assert limited.status_code == 429
    assert limited.json()["error"]["status"] == "RESOURCE_EXHAUSTED"
