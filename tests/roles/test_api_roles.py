"""Every API route (read from the URL resolver, so a new route is covered without an edit here)
× every role: the role is checked before the body is read (a viewer's bad POST is a 403)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient

from core.api.permissions import (
    AdminOnly,
    OperatorOnly,
    ViewerReadsAdminWrites,
    ViewerReadsOperatorWrites,
    _Role,
)
from core.roles import ROLES
from tests.roles.world import WHO, token_for, user_for

# No authentication at all: the health check (load balancers; not a DRF view) and the login that
# hands out a token (tests/jengu/test_login_lockout.py: lockout, 2FA).
PUBLIC = {"api-health", "auth-token"}
DOCS = {"api-docs", "api-redoc"}  # browser pages: a session with any role (tested below)
V, OP, A, VA = ViewerReadsOperatorWrites, OperatorOnly, AdminOnly, ViewerReadsAdminWrites
# The mapping the issue asks for, for the routes that exist today (new ones are checked below
# by behaviour alone: every API view names a role class, and viewers never write).
EXPECTED = {
    "schema": V,
    "prospects": V,
    "prospects-import": OP,
    "prospects-import-job": V,
    "trigger-scrape": OP,
    "prospect-detail": V,
    "emails": V,
    "send-email": OP,
    "approvals": V,
    "approvals-approve": OP,
    "approvals-reject": OP,
    "approval-detail": V,
    "approval-approve": OP,
    "approval-reject": OP,
    "replies": V,
    "reply-labels": V,
    "reply-detail": V,
    "reply-answer": OP,
    "reply-suggest": OP,
    "suppressions": V,
    "status-warmup": V,
    "status-inboxes": V,
    "status-forecast": V,
    "status-domain-caps": V,
    "status-rate-limits": V,
    "initialize-inboxes": A,
    "pause-inbox": OP,
    "inbox-preflight": OP,
    "resume-inbox": OP,
    "trigger-send": OP,
    "emergency-stop": VA,
    "dead-letters": VA,
    "dead-letter-replay": A,
    "dead-letter-discard": A,
}
RANK = {role: n for n, role in enumerate(ROLES, start=1)}


def _walk(patterns: list[Any], prefix: str = "") -> list[tuple[str, URLPattern]]:
    found = []
    for entry in patterns:
        if isinstance(entry, URLResolver):
            found += _walk(entry.url_patterns, prefix + str(entry.pattern))
        else:
            found.append((prefix + str(entry.pattern), entry))
    return found


def _url(pattern: str) -> str:
    """A concrete path: numeric ids become an id that does not exist, other parts ``x1``."""
    path = re.sub(r"\(\?P<\w+>\\d\+\)", "999999", pattern.lstrip("^"))
    path = re.sub(r"\(\?P<\w+>[^)]*\)", "x1", path)
    path = re.sub(r"<int:\w+>", "999999", path)
    path = re.sub(r"<[^>]+>", "x1", path)
    return "/" + path.removesuffix("$").removesuffix("/?")


ROUTES = sorted(
    (entry.name or pattern, _url(pattern), getattr(entry.callback, "cls", None))
    for pattern, entry in _walk(get_resolver().url_patterns)
    if pattern.lstrip("^").startswith("api/")
)
GUARDED = [route for route in ROUTES if route[0] not in PUBLIC | DOCS]


def test_the_matrix_sees_every_api_route() -> None:
    names = {name for name, _url, _cls in ROUTES}
    assert set(EXPECTED) | PUBLIC | DOCS <= names


@pytest.mark.parametrize(("name", "url", "view"), GUARDED, ids=[r[0] for r in GUARDED])
def test_every_api_view_names_a_role_class(name: str, url: str, view: Any) -> None:
    assert view is not None, f"{name}: not a DRF view, so no role class checks it"
    classes = list(view.permission_classes)
    assert classes and all(issubclass(c, _Role) for c in classes), (name, classes)
    if name in EXPECTED:
        assert classes == [EXPECTED[name]], name


def _client(who: str) -> APIClient:
    client = APIClient()
    token = token_for(who)
    if token:
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


INVALID = {"inboxId": ["not", "an", "id"], "count": "many", "unknownField": True}


def _expected(who: str, method: str, view: Any) -> str:
    """'401', '403', or 'in' (past the role check: anything but 401/403)."""
    if who == "anonymous":
        return "401"
    if who == "norole":
        return "403"
    (role_class,) = view.permission_classes
    needed = role_class.read_role if method == "get" else role_class.write_role
    return "in" if RANK[who] >= RANK[needed] else "403"


@pytest.mark.django_db
@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize(("name", "url", "view"), GUARDED, ids=[r[0] for r in GUARDED])
def test_each_role_on_each_route(name: str, url: str, view: Any, who: str) -> None:
    client = _client(who)
    for method in ("get", "post", "patch"):
        kwargs = {} if method == "get" else {"data": INVALID, "format": "json"}
        response = getattr(client, method)(url, **kwargs)
        expected = _expected(who, method, view)
        seen = (method, url, response.status_code)
        if expected == "in":
            assert response.status_code not in (401, 403), seen
            if not hasattr(view, method):
                assert response.status_code == 405, seen
        else:
            assert response.status_code == int(expected), seen
            assert response.json()["code"] in ("not_authenticated", "permission_denied"), seen


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "url", "view"), GUARDED, ids=[r[0] for r in GUARDED])
def test_viewers_never_write(name: str, url: str, view: Any) -> None:
    client = _client("viewer")
    for method in ("post", "put", "patch", "delete"):
        response = getattr(client, method)(url, INVALID, format="json")
        assert response.status_code == 403, (method, url, response.status_code)


@pytest.mark.django_db
def test_health_needs_no_one() -> None:
    assert APIClient().get("/api/health").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize("name", sorted(DOCS))
def test_the_docs_pages_are_for_any_role(client: Any, name: str, who: str) -> None:
    url = next(u for n, u, _v in ROUTES if n == name)
    user = user_for(who)
    if user is not None:
        client.force_login(user)
    response = client.get(url)
    if who in ("anonymous", "norole"):
        assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    else:
        assert response.status_code == 200
