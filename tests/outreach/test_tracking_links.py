"""Signed tracking tokens, the HTML rewriting, and the /t/ views' answers to bad tokens."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta

import pytest
from django.core import signing
from django.test import Client

from outreach.models import TrackingEvent
from outreach.services.tracking import suspect_reason
from outreach.services.tracking_links import (
    CLICK_SALT,
    click_token,
    open_token,
    read_click,
    read_open,
    track_html,
)

BASE = "https://t.hotelier.example"
CHROME = "Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0 Safari/537.36"


def test_a_click_token_round_trips_its_email_and_destination() -> None:
    url = "https://casa-azul.example/rooms?from=2026-12-01&lang=pt#suites"
    token = click_token(42, url)
    hit = read_click(token)
    assert hit is not None and (hit.email_id, hit.url) == (42, url)
    assert read_open(open_token(42)) == 42


def test_tokens_of_one_kind_do_not_work_as_the_other() -> None:
    assert read_click(open_token(42)) is None  # its own salt
    assert read_open(click_token(42, "https://a.example/")) is None


def _altered(token: str, url: str) -> str:
    """The same signature on a payload that leads elsewhere."""
    signature = token.rpartition(":")[2]
    forged = json.dumps({"e": 1, "u": url}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(forged).decode().rstrip("=") + ":" + signature


def _forged() -> list[str]:
    evil = {"e": 1, "u": "https://evil.example/"}
    return [
        "not-a-token",
        "....:",
        "eyJlIjoxfQ",  # a payload without a signature
        ".eJzLSM3JyQcABiwCFQ:AAAA",  # "compressed" garbage
        signing.Signer(key="someone else's key", salt=CLICK_SALT).sign_object(evil),
        signing.Signer(salt="another.salt").sign_object(evil),
        signing.Signer(salt=CLICK_SALT).sign_object({"e": "1", "u": evil["u"]})[:-2] + "xx",
    ]


@pytest.mark.django_db
def test_a_forged_click_token_is_a_400_without_a_redirect() -> None:
    for token in _forged():
        response = Client().get(f"/t/c/{token}?next=https://evil.example/&url=https://x.example/")
        assert response.status_code == 400, token
        assert not response.has_header("Location")
    assert Client().get("/t/c/").status_code == 404  # no token: no route
    assert not TrackingEvent.objects.exists()


@pytest.mark.django_db
def test_an_altered_click_token_is_a_400_without_a_redirect() -> None:
    token = click_token(1, "https://casa-azul.example/")
    for bad in (
        _altered(token, "https://evil.example/"),
        token[:-1] + ("A" if token[-1] != "A" else "B"),  # one character of the signature
        token.replace("e", "f", 1),  # one character of the payload
    ):
        response = Client().get(f"/t/c/{bad}")
        assert response.status_code == 400, bad
        assert not response.has_header("Location")


@pytest.mark.django_db
def test_a_signed_token_for_a_non_web_address_never_redirects() -> None:
    """Our rewriter never signs one, and the view checks the scheme anyway."""
    for url in ("javascript:alert(1)", "data:text/html,hi", "//evil.example/", "ftp://a.example/"):
        token = signing.Signer(salt=CLICK_SALT).sign_object({"e": 1, "u": url}, compress=True)
        response = Client().get(f"/t/c/{token}")
        assert response.status_code == 400 and not response.has_header("Location"), url


@pytest.mark.django_db
def test_a_bad_open_token_is_a_400_and_a_valid_one_for_a_gone_email_still_gets_the_gif() -> None:
    assert Client().get("/t/o/garbage").status_code == 400
    response = Client().get(f"/t/o/{open_token(987654)}")  # no such email: nothing recorded
    assert response.status_code == 200 and response["Content-Type"] == "image/gif"
    assert response.content.startswith(b"GIF89a")
    assert "no-store" in response["Cache-Control"]
    assert not TrackingEvent.objects.exists()


@pytest.mark.django_db
def test_a_valid_click_for_a_gone_email_still_leads_to_its_destination() -> None:
    response = Client().get(f"/t/c/{click_token(987654, 'https://casa-azul.example/')}")
    assert (response.status_code, response["Location"]) == (302, "https://casa-azul.example/")
    assert not TrackingEvent.objects.exists()


def test_rewriting_keeps_mailto_the_unsubscribe_link_and_our_own_links(settings) -> None:
    settings.PUBLIC_BASE_URL = "https://jengu.hotelier.example"
    body = (
        "<html><body>"
        '<p><a href="https://casa-azul.example/?a=1&amp;b=2">rooms</a> '
        "<a href='mailto:ana@casa-azul.example'>mail</a> "
        '<a href="https://jengu.hotelier.example/u/abc123">unsubscribe</a> '
        '<a href="https://lists.example/unsubscribe?id=9">their list</a> '
        '<a data-href="https://x.example/" href=http://plain.example/x>bare</a></p>'
        "</body></html>"
    )
    out = track_html(body, email_id=7, base=BASE, opens=False, clicks=True)
    assert "mailto:ana@casa-azul.example" in out
    assert "https://jengu.hotelier.example/u/abc123" in out
    assert "https://lists.example/unsubscribe?id=9" in out
    assert out.count(f"{BASE}/t/c/") == 2
    assert "/t/o/" not in out
    tokens = [part.split('"')[0] for part in out.split(f"{BASE}/t/c/")[1:]]
    destinations = {read_click(t).url for t in tokens}  # type: ignore[union-attr]
    assert destinations == {"https://casa-azul.example/?a=1&b=2", "http://plain.example/x"}


def test_the_pixel_goes_before_the_end_of_the_body() -> None:
    out = track_html("<html><body><p>Hi</p></body></html>", email_id=7, base=BASE, opens=True,
                     clicks=False)  # fmt: skip
    assert out.endswith('style="border:0;width:1px;height:1px"></body></html>')
    assert f'<img src="{BASE}/t/o/{open_token(7)}" width="1" height="1"' in out
    assert track_html("<p>Hi</p>", email_id=7, base=BASE, opens=True, clicks=False).startswith(
        "<p>Hi</p><img"
    )


@pytest.mark.parametrize(
    ("agent", "ip", "method", "expected"),
    [
        (CHROME, "", "GET", ""),
        ("Mozilla/5.0 (via ggpht.com GoogleImageProxy)", "66.249.1.1", "GET", ""),
        ("YahooMailProxy; https://help.yahoo.com/kb/yahoo-mail-proxy-SLN28749.html", "", "GET", ""),
        ("Mozilla/4.0 (compatible; ms-office; MSOffice 16)", "", "GET", ""),  # Outlook desktop
        ("Mozilla/5.0", "", "GET", "Apple Mail Privacy Protection (bare user agent)"),
        (CHROME, "2620:149:a:1::7", "GET", "Apple Mail Privacy Protection (Apple network)"),
        ("Barracuda Sentinel (EE)", "", "GET", "scanner: Barracuda"),
        ("Microsoft Office Existence Discovery", "", "GET", "scanner: Microsoft Safe Links"),
        ("python-requests/2.32", "", "GET", "scanner: HTTP library or headless browser"),
        (
            "Mozilla/5.0 HeadlessChrome/120.0",
            "",
            "GET",
            "scanner: HTTP library or headless browser",
        ),
        ("", "", "GET", "no user agent"),
        (CHROME, "", "HEAD", "HEAD request (a link check)"),
    ],
)
def test_who_counts_as_a_person(agent: str, ip: str, method: str, expected: str) -> None:
    sent = datetime(2026, 12, 1, 10, tzinfo=UTC)
    reason = suspect_reason(
        user_agent=agent, ip=ip, method=method, sent_at=sent, now=sent + timedelta(hours=1)
    )
    assert reason == expected
