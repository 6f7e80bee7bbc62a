"""Every URL under /api/ refuses anonymous clients, found by walking the URLconf."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

# The documented public API pages: the OpenAPI schema, its docs, and the health check.
PUBLIC = {"/api/schema/", "/api/docs/", "/api/redoc/", "/api/health/"}


def _walk(patterns: list, prefix: str = "") -> Iterator[str]:
    for p in patterns:
        route = prefix + str(p.pattern)
        if isinstance(p, URLResolver):
            yield from _walk(p.url_patterns, route)
        elif isinstance(p, URLPattern):
            yield route


def _concrete(route: str) -> str:
    route = route.replace("^", "").replace("$", "").replace("/?", "/")
    route = re.sub(r"\(\?P<\w+>[^)]*\)", "1", route)
    route = re.sub(r"<(?:\w+:)?\w+>", "1", route)
    return "/" + route.lstrip("/")


API_URLS = sorted(
    {
        u
        for u in map(_concrete, _walk(get_resolver().url_patterns))
        if u.startswith("/api/") and u not in PUBLIC
    }
)


def test_the_walk_finds_the_seed_endpoints() -> None:
    for url in ("/api/prospects/", "/api/emails/", "/api/admin/dead-letters/"):
        assert url in API_URLS


@pytest.mark.django_db
@pytest.mark.parametrize("url", API_URLS)
@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_clients_are_refused(anon_client, url: str, method: str) -> None:
    response = getattr(anon_client, method)(url, {}, format="json")
    assert response.status_code in (401, 403, 405), (url, response.status_code)
    if response.status_code != 405:
        assert set(response.json()) >= {"detail", "code"}


@pytest.mark.django_db
@pytest.mark.parametrize("url", [u for u in API_URLS if u.startswith("/api/admin/")])
def test_admin_endpoints_refuse_non_staff_tokens(user_api, url: str) -> None:
    response = user_api.post(url, {}, format="json")
    assert response.status_code in (403, 405), (url, response.status_code)


@pytest.mark.django_db
def test_schema_and_docs_are_served_without_a_cdn(anon_client) -> None:
    schema = anon_client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/prospects" in schema.content
    docs = anon_client.get("/api/docs/")
    assert docs.status_code == 200
    assert b"cdn." not in docs.content and b"unpkg" not in docs.content
