"""Every URL under /api/ refuses anonymous clients, found by walking the URLconf.

The schema and its docs pages too (README "API": the schema maps the attack surface of an
internal tool): the schema answers 401 in the error shape, the docs pages send a browser to
the admin login and back."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

# The public API URLs: the health check (the same view as /health) and the token endpoint,
# whose body is the credentials (tests/jengu/test_login_lockout.py).
PUBLIC = {"/api/health/", "/api/auth/token/"}
# Pages for a browser: an anonymous one is sent to the admin login.
DOCS_PAGES = ["/api/docs/", "/api/redoc/"]


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
        if u.startswith("/api/") and u not in PUBLIC and u not in DOCS_PAGES
    }
)


def test_the_walk_finds_the_seed_endpoints() -> None:
    for url in ("/api/prospects/", "/api/emails/", "/api/admin/dead-letters/", "/api/schema/"):
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
def test_admin_endpoints_refuse_viewer_tokens(user_api, url: str) -> None:
    response = user_api.post(url, {}, format="json")
    assert response.status_code in (403, 405), (url, response.status_code)


@pytest.mark.django_db
def test_schema_and_docs_are_served_without_a_cdn(admin_client) -> None:
    schema = admin_client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/prospects" in schema.content
    for url in DOCS_PAGES:
        docs = admin_client.get(url)
        assert docs.status_code == 200, url
        assert b"cdn." not in docs.content and b"unpkg" not in docs.content


@pytest.mark.django_db
def test_the_schema_needs_credentials_and_answers_401_in_the_error_shape(anon_client) -> None:
    response = anon_client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert response["WWW-Authenticate"] == "Token"


@pytest.mark.django_db
def test_any_role_reads_the_schema(user_api) -> None:
    response = user_api.get("/api/schema/", {"format": "json"})  # a viewer's token
    assert response.status_code == 200
    assert "/api/prospects/" in response.json()["paths"]


@pytest.mark.django_db
@pytest.mark.parametrize("url", DOCS_PAGES)
def test_the_docs_pages_send_an_anonymous_browser_to_the_admin_login(client, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"/admin/login/?next={url}"
    assert b"openapi" not in response.content.lower()
