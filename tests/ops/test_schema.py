"""The schema says what the API does, and the API refuses what the schema refuses: documented
error answers, typed and bounded parameters, enums, request strings, bodies. The generated
exploration of the same promise is tests/ops/test_fuzz_api.py."""

from __future__ import annotations

import re
from typing import Any

import pytest
from rest_framework.test import APIClient

from core.api.schema import SAFE_TEXT
from tests.factories import ProspectFactory

pytestmark = pytest.mark.django_db
METHODS = {"get", "post", "put", "patch", "delete"}


@pytest.fixture
def schema(api: APIClient) -> dict[str, Any]:
    return api.get("/api/schema/", {"format": "json"}).json()


# Operations anyone may call: the login that hands out a token.
PUBLIC = {("post", "/api/auth/token/")}


def _operations(schema: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, operation)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if method in METHODS
    ]


def _parameter(schema: dict[str, Any], path: str, name: str) -> dict[str, Any]:
    (found,) = [p for p in schema["paths"][path]["get"]["parameters"] if p["name"] == name]
    return found["schema"]


def test_every_operation_documents_its_error_answers_in_the_error_shape(schema) -> None:
    error = schema["components"]["schemas"]["Error"]
    assert error["required"] == ["detail", "code"] and error["additionalProperties"] is False
    assert set(error["properties"]) == {"detail", "code", "fields"}
    operations = _operations(schema)
    assert len(operations) >= 15
    for path, method, operation in operations:
        codes = set(operation["responses"])
        needed = {"400", "413", "429"} if (method, path) in PUBLIC else {"400", "401", "413", "429"}
        assert needed <= codes, (method, path, codes)
        if "{" in path:
            assert "404" in codes, (method, path)
        if method == "post":
            assert {"403", "415"} <= codes, (method, path)  # CSRF with a session; JSON only
        if path.startswith("/api/admin/"):
            assert "403" in codes, (method, path)
    shared = schema["components"]["responses"]["Error400"]["content"]["application/json"]
    assert shared["schema"] == {"$ref": "#/components/schemas/Error"}
    send = schema["paths"]["/api/send-email/"]["post"]["responses"]
    assert {"404", "409", "422"} <= set(send)


def test_query_parameters_have_their_real_types_bounds_and_enums(schema) -> None:
    for path in ("/api/prospects/", "/api/emails/", "/api/suppressions/"):
        page_size = _parameter(schema, path, "page_size")
        assert (page_size["type"], page_size["minimum"], page_size["maximum"]) == (
            "integer",
            1,
            500,
        )
    n = _parameter(schema, "/api/status/forecast/", "n")
    assert (n["minimum"], n["maximum"]) == (0, 1_000_000)
    assert "AAA" not in _parameter(schema, "/api/suppressions/", "reason")["enum"]
    assert set(_parameter(schema, "/api/emails/", "direction")["enum"]) == {"inbound", "outbound"}
    assert "received" in _parameter(schema, "/api/emails/", "status")["enum"]
    assert "send" in _parameter(schema, "/api/admin/dead-letters/", "kind")["enum"]
    assert "meeting_request" in _parameter(schema, "/api/replies/", "intent")["enum"]
    assert _parameter(schema, "/api/replies/", "unread")["type"] == "boolean"
    path_id = schema["paths"]["/api/prospects/{id}/"]["get"]["parameters"][0]["schema"]
    assert (path_id["type"], path_id["minimum"]) == ("integer", 1)
    # the list filters describe GET only; a POST takes none of them
    assert "parameters" not in schema["paths"]["/api/prospects/"]["post"]


def test_every_string_a_client_sends_refuses_control_characters(schema) -> None:
    pattern = re.compile(SAFE_TEXT)
    assert pattern.fullmatch("Hôtel Miramar\tLisboa\n") and not pattern.fullmatch("a\x00b")
    search = _parameter(schema, "/api/prospects/", "search")
    assert search["pattern"] == SAFE_TEXT
    body = schema["components"]["schemas"]["ProspectCreateRequest"]
    assert body["additionalProperties"] is False
    assert body["properties"]["city"]["pattern"] == SAFE_TEXT
    assert body["properties"]["tags"]["items"]["pattern"] != SAFE_TEXT  # its own, stricter
    assert not re.fullmatch(body["properties"]["name"]["pattern"], " \t ")


def test_website_is_documented_as_the_api_reads_it(schema, api: APIClient) -> None:
    request = schema["components"]["schemas"]["ProspectCreateRequest"]["properties"]["website"]
    blank, url, domain = request["anyOf"]
    assert blank["maxLength"] == 0
    response = schema["components"]["schemas"]["Prospect"]["properties"]
    for name in ("website", "source_url"):  # "" when unknown: a string, never format uri
        assert response[name]["type"] == "string" and "format" not in response[name]

    def create(website: str) -> Any:
        return api.post(
            "/api/prospects", {"name": f"Casa {website}", "website": website}, format="json"
        )

    for value, stored in [("", ""), ("casa.example", "https://casa.example"),
                          ("HTTP://casa-2.example/rooms?x=1#top", "HTTP://casa-2.example/rooms?x=1#top")]:  # fmt: skip
        answer = create(value)
        assert answer.status_code == 201, (value, answer.json())
        assert answer.json()["website"] == stored
        assert re.fullmatch(url["pattern"], stored) or stored == ""
    for value in (
        "ftp://casa.example",
        " casa.example",
        "http://casa .example",
        "localhost",
        "é.pt",
    ):
        answer = create(value)
        assert answer.status_code == 400, value
        assert not any(re.fullmatch(b["pattern"], value) for b in (url, domain)), value
    assert create("a" * 489 + ".pt").status_code == 400  # no room left for "https://"


@pytest.mark.parametrize(
    ("url", "parameter"),
    [
        ("/api/prospects?page_size=0", "page_size"),
        ("/api/prospects?page_size=501", "page_size"),
        ("/api/prospects?page_size=-3", "page_size"),
        ("/api/emails?page_size=abc", "page_size"),
        ("/api/suppressions?page_size=1.5", "page_size"),
        ("/api/status/forecast?n=-1", "n"),
        ("/api/status/forecast?n=1000001", "n"),
        ("/api/status/forecast?n=", "n"),
        ("/api/suppressions?reason=AAA", "reason"),
        ("/api/emails?status=AAA", "status"),
        ("/api/emails?prospect=99999999999999999999999", "prospect"),
        ("/api/prospects?tier=", "tier"),
        ("/api/admin/dead-letters?kind=nope", "kind"),
        # django-filter's stock fields would read these as "no filter" (core.api.filters)
        ("/api/prospects?archived=maybe", "archived"),
        ("/api/prospects?archived=", "archived"),
        ("/api/prospects?stage=", "stage"),
        ("/api/admin/dead-letters?resolved=", "resolved"),
        ("/api/admin/dead-letters?kind=", "kind"),
        ("/api/suppressions?reason=", "reason"),
        ("/api/replies?intent=happy", "intent"),
        ("/api/replies?intent=", "intent"),
        ("/api/replies?unread=maybe", "unread"),
        ("/api/replies?needs_human=", "needs_human"),
        ("/api/replies?campaign=abc", "campaign"),
        ("/api/replies?campaign=0", "campaign"),
        ("/api/replies?page_size=0", "page_size"),
    ],
)
def test_what_the_schema_refuses_is_a_400_naming_the_parameter(
    api: APIClient, url: str, parameter: str
) -> None:
    response = api.get(url)
    assert response.status_code == 400, response.content
    assert list(response.json()["fields"]) == [parameter]


def test_what_the_schema_allows_is_answered(api: APIClient) -> None:
    assert api.get("/api/prospects?page_size=1").status_code == 200
    assert api.get("/api/prospects?page_size=500&tier=hot").status_code == 200
    assert api.get("/api/status/forecast?n=0").status_code == 200
    assert api.get("/api/suppressions?reason=bounce").status_code == 200


def test_a_body_field_the_api_does_not_know_or_of_the_wrong_type_is_a_400(api: APIClient) -> None:
    unknown = api.post("/api/prospects", {"name": "Casa", "contactEmail": "a@b.pt"}, format="json")
    assert unknown.status_code == 400
    assert unknown.json()["fields"] == {"contactEmail": ["Unknown field."]}
    typed = api.post("/api/prospects", {"name": 7, "tags": ["ok", 3]}, format="json")
    assert typed.status_code == 400
    assert set(typed.json()["fields"]) == {"name", "tags"}
    flag = api.post("/api/admin/emergency-stop", {"active": "yes"}, format="json")
    assert flag.status_code == 400 and "active" in flag.json()["fields"]


def test_request_bodies_are_json(api: APIClient) -> None:
    """A form body could not say null, a number or a list, and DRF reads a missing form
    checkbox as false: a form that lacks ``active`` would have switched the stop off."""
    response = api.post("/api/admin/emergency-stop", {"reason": "x"}, format="multipart")
    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"


def test_inbox_id_is_a_key_or_a_number(api: APIClient, schema) -> None:
    body = schema["components"]["schemas"]["PauseRequest"]["properties"]["inboxId"]
    assert [branch["type"] for branch in body["anyOf"]] == ["string", "integer"]
    assert api.post("/api/admin/pause-inbox", {"inboxId": True}, format="json").status_code == 400
    missing = api.post("/api/admin/pause-inbox", {"inboxId": 12345}, format="json")
    assert (missing.status_code, missing.json()["code"]) == (404, "inbox_not_found")


def test_unknown_api_urls_and_cursors_answer_404_in_the_error_shape(api: APIClient) -> None:
    ProspectFactory()
    for url in ("/api/prospects/abc", "/api/nothing-here", "/api/emails?cursor=bm9wZQ"):
        response = api.get(url)
        assert response.status_code == 404, url
        assert response.json()["code"] == "not_found", url
    assert b"<html" in APIClient().get("/not-api").content.lower()  # Django's page elsewhere
