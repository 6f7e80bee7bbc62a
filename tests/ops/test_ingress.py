"""Every URL of the API schema, walked with the three ingress rules: an oversized body is 413,
JSON nested too deep is 400, a NUL in a query parameter or a JSON field is 400 naming it.
Each answer has the API's error shape; none is a 500."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from core.ingress import MAX_JSON_DEPTH

pytestmark = pytest.mark.django_db

WRITE_METHODS = {"post", "put", "patch"}


def _operations(api: APIClient) -> list[tuple[str, str, dict[str, Any]]]:
    schema = api.get("/api/schema/", {"format": "json"}).json()
    found = []
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in {"get", "post", "put", "patch", "delete"}:
                found.append((method, re.sub(r"\{[^}]+\}", "1", path), operation))
    return sorted(found, key=lambda op: (op[1], op[0]))


def _send(api: APIClient, method: str, url: str, body: bytes, ctype: str, **extra: Any) -> Any:
    return api.generic(method.upper(), url, body, content_type=ctype, **extra)


def test_the_walk_covers_the_api(api: APIClient) -> None:
    urls = {url for _, url, _ in _operations(api)}
    assert {"/api/prospects/", "/api/send-email/", "/api/admin/pause-inbox/"} <= urls
    assert len(urls) >= 15  # the walk is not trivially short


def test_a_nul_in_any_query_parameter_is_a_400_naming_it(api: APIClient) -> None:
    for method, url, _ in _operations(api):
        response = _send(api, method, f"{url}?search=a%00b", b"", "application/json")
        assert response.status_code == 400, (method, url, response.status_code)
        body = response.json()
        assert body["code"] == "invalid_parameter" and "search" in body["fields"], (method, url)
        assert "U+0000" in body["detail"]


def test_control_characters_and_a_bad_parameter_name_are_refused(api: APIClient) -> None:
    assert api.get("/api/prospects?search=tab%09ok").status_code == 200  # tab is text
    response = api.get("/api/suppressions?email=%1b@x.example")
    assert response.status_code == 400 and "email" in response.json()["fields"]
    response = api.get("/api/prospects?se%00arch=x")
    assert response.status_code == 400 and response.json()["code"] == "invalid_parameter"


def test_a_body_over_the_limit_is_a_413_everywhere(api: APIClient) -> None:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    body = b'{"pad": "' + b"x" * limit + b'"}'
    for method, url, _ in _operations(api):
        if method not in WRITE_METHODS or url == "/api/prospects/import/":
            continue
        response = _send(api, method, url, body, "application/json")
        assert response.status_code == 413, (method, url, response.status_code)
        assert response.json()["code"] == "too_large"


def test_json_nested_deeper_than_the_limit_is_a_400_everywhere(api: APIClient) -> None:
    deep = ("[" * 5000 + "]" * 5000).encode()
    just_over = json.dumps({"a": json.loads("[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH)}).encode()
    for method, url, _ in _operations(api):
        if method not in WRITE_METHODS:
            continue
        for body in (deep, just_over):
            response = _send(api, method, url, body, "application/json")
            assert response.status_code == 400, (method, url, response.status_code)
            assert response.json()["code"] == "too_deep"


def test_json_at_the_depth_limit_is_accepted(api: APIClient) -> None:
    nested: Any = "x"
    for _ in range(MAX_JSON_DEPTH - 1):
        nested = [nested]
    response = api.post("/api/prospects", {"name": "Deep", "tags": nested}, format="json")
    assert response.status_code != 500 and response.json().get("code") != "too_deep"


def test_a_nul_in_a_json_field_is_a_400_naming_the_field(api: APIClient) -> None:
    for method, url, operation in _operations(api):
        if method not in WRITE_METHODS or "requestBody" not in operation:
            continue
        if "application/json" not in operation["requestBody"]["content"]:
            continue
        body = json.dumps({"probe": "a\u0000b"}).encode()
        response = _send(api, method, url, body, "application/json")
        assert response.status_code == 400, (method, url, response.status_code)
        assert "probe" in response.json()["fields"], (method, url, response.json())


def test_a_lone_surrogate_in_a_nested_field_is_named_by_its_path(api: APIClient) -> None:
    body = b'{"name": "Hotel", "tags": ["ok", "bad \\ud800"]}'
    response = _send(api, "post", "/api/prospects", body, "application/json")
    assert response.status_code == 400
    assert response.json()["fields"] == {
        "tags[1]": ["This field contains an invalid character (U+D800)."]
    }


def test_api_health_is_the_health_view_without_authentication(anon_client: APIClient) -> None:
    for url in ("/api/health", "/api/health/", "/health"):
        response = anon_client.get(url)
        assert response.status_code == 200, url
        assert response.json()["status"] in {"ok", "degraded"}
        assert response.json()["database"] == "ok"
