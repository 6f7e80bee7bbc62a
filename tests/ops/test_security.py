"""Security: API throttling, security headers, the admin behind a login, no open redirects."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils.http import url_has_allowed_host_and_scheme
from rest_framework.throttling import SimpleRateThrottle

from compliance.services import unsubscribe_token_for

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db


@pytest.fixture
def fresh_throttles(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Low rates and an empty cache of their own (the shared cache keeps counting otherwise).

    DRF reads the rates once at import, as a process does at start (API_THROTTLE_USER/_ANON).
    """
    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                    "LOCATION": f"throttle-{os.getpid()}-{id(monkeypatch)}"},
    }  # fmt: skip
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "user", "3/min")
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "anon", "2/min")


def test_a_token_over_its_rate_gets_429(api, user_api, fresh_throttles) -> None:
    codes = [api.get("/api/prospects").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    limited = api.get("/api/prospects")
    assert limited.json()["code"] == "throttled" and int(limited["Retry-After"]) > 0
    assert user_api.get("/api/prospects").status_code == 200  # counted per user


def test_anonymous_clients_are_throttled_too(anon_client, fresh_throttles) -> None:
    # No API answer is public since the schema needs a login: refusals count against the rate.
    codes = [anon_client.get("/api/schema/").status_code for _ in range(3)]
    assert codes == [401, 401, 429]
    limited = anon_client.get("/api/prospects")
    assert limited.json()["code"] == "throttled" and int(limited["Retry-After"]) > 0


def test_the_rates_come_from_the_environment(tmp_path) -> None:
    script = (
        "import django; django.setup()\n"
        "from rest_framework.throttling import UserRateThrottle, AnonRateThrottle\n"
        "print(UserRateThrottle().get_rate(), AnonRateThrottle().get_rate())\n"
    )
    env = {**os.environ, "API_THROTTLE_USER": "7/min", "API_THROTTLE_ANON": "5/hour",
           "JENGU_VAR_DIR": str(tmp_path)}  # fmt: skip
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)  # fmt: skip
    assert done.stdout.split() == ["7/min", "5/hour"], done.stderr[-2000:]


def test_pages_carry_the_security_headers(anon_client, settings) -> None:
    settings.DEBUG = False
    page = anon_client.get("/admin/login/")
    assert "frame-ancestors 'none'" in page["Content-Security-Policy"]
    assert page["X-Frame-Options"] == "DENY"
    assert page["X-Content-Type-Options"] == "nosniff"
    assert page["Referrer-Policy"] == "same-origin"
    assert "camera=()" in page["Permissions-Policy"]


def test_the_admin_requires_a_login_with_a_role(client, django_user_model) -> None:
    for url in ("/admin/", "/admin/jengu/deadletter/", "/admin/inboxes/inbox/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    django_user_model.objects.create_user("viewer", password="pw-viewer-123")
    client.login(username="viewer", password="pw-viewer-123")  # no role
    assert client.get("/admin/inboxes/inbox/").status_code == 302
    assert client.get("/admin/login/").status_code == 200


EVIL = [
    "https://evil.example/phish",
    "//evil.example/phish",
    "/\\evil.example",
    "https:evil.example",
]
REDIRECT_PARAMS = ("next", "redirect", "redirect_to", "return", "return_to", "url", "continue")


@pytest.mark.parametrize("evil", EVIL)
def test_admin_login_never_sends_you_off_site(client, django_user_model, evil: str) -> None:
    django_user_model.objects.create_superuser("root", password="pw-root-123456")
    response = client.post(f"/admin/login/?{urlencode({'next': evil})}",
                           {"username": "root", "password": "pw-root-123456", "next": evil})  # fmt: skip
    assert response.status_code == 302
    assert response["Location"] == "/admin/"  # the default, not the attacker's


def test_admin_logout_never_sends_you_off_site(admin_client) -> None:
    for evil in EVIL:
        response = admin_client.post("/admin/logout/", {"next": evil})
        assert "evil.example" not in response.get("Location", "")


def test_the_unsubscribe_pages_never_redirect(client) -> None:
    token = unsubscribe_token_for("ana@hotel.example")
    query = urlencode(dict.fromkeys(REDIRECT_PARAMS, EVIL[0]))
    for method in ("get", "post"):
        response = getattr(client, method)(f"/u/{token}?{query}")
        assert response.status_code == 200 and not response.has_header("Location")
    bad = client.get(f"/u/not-a-token?{query}")
    assert bad.status_code == 400 and not bad.has_header("Location")


def _walk(patterns: list, prefix: str = "") -> Iterator[str]:
    for p in patterns:
        route = prefix + str(p.pattern)
        if isinstance(p, URLResolver):
            yield from _walk(p.url_patterns, route)
        elif isinstance(p, URLPattern):
            yield route


def _concrete(route: str) -> str:
    route = route.replace("^", "").replace("$", "").replace("/?", "/").replace("\\Z", "")
    route = re.sub(r"\(\?P<\w+>[^)]*\)", "1", route)
    route = re.sub(r"<(?:\w+:)?\w+>", "1", route)
    return "/" + route.lstrip("/")


@pytest.mark.slow
def test_no_url_redirects_to_a_user_supplied_address(admin_client, client) -> None:
    """Every route, anonymous and as a superuser, with redirect-looking parameters."""
    urls = sorted({_concrete(r) for r in _walk(get_resolver().url_patterns)})
    assert "/admin/login/" in urls and "/api/prospects/" in urls
    checked = 0
    for evil in EVIL[:2]:
        query = urlencode(dict.fromkeys(REDIRECT_PARAMS, evil))
        for who in (client, admin_client):
            for url in urls:
                response = who.get(f"{url}?{query}")
                checked += 1
                location = response.get("Location")
                if location is not None:
                    assert url_has_allowed_host_and_scheme(location, {"testserver"}), (
                        url,
                        location,
                    )
    assert checked >= 4 * 50


def test_unsafe_methods_on_unsubscribe_do_not_need_a_session(client: Client) -> None:
    """One-click unsubscribe is POSTed by mail clients: no cookie, no CSRF token, no redirect."""
    token = unsubscribe_token_for("rui@hotel.example")
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(f"/u/{token}", {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200 and not response.cookies
