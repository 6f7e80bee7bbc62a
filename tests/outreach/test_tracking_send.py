"""Tracking on real sends: what the SMTP test server receives, and the hits on the /t/ views."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client

from compliance.services import unsubscribe_token_for, unsubscribe_url
from outreach.models import Campaign, OutboundEmail, TrackingEvent
from outreach.services import run_send_pass
from outreach.services.messages import text_as_html
from outreach.services.prepare import prepare_due
from outreach.services.tracking_links import read_click, read_open
from tests.factories import CampaignFactory
from tests.outreach.helpers import TUESDAY_10, enrolled, header_line, parsed, smtp_inbox

pytestmark = pytest.mark.django_db

ROOMS = "https://casa-azul.example/rooms?a=1&b=2"
CHROME = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36"


def send_one(smtp_server: Any, settings: Any, html: bool = True, **campaign: Any) -> Any:
    """One sent step-1 email of a campaign (HTML with a link and an unsubscribe link, or
    plain text only); returns (the ledger row, the received message)."""
    with time_machine.travel(TUESDAY_10, tick=False):
        smtp_inbox(smtp_server, settings)
        (enrollment,) = enrolled(CampaignFactory(**campaign))
        prepare_due(now=TUESDAY_10)
        email = OutboundEmail.objects.get(enrollment=enrollment)
        unsubscribe = unsubscribe_url(unsubscribe_token_for(email.recipient))
        body_html = (
            f'<html><body><p>See <a href="{ROOMS.replace("&", "&amp;")}">our rooms</a>.</p>'
            f'<p><a href="{unsubscribe}">Unsubscribe</a></p></body></html>'
        )
        OutboundEmail.objects.filter(pk=email.pk).update(  # the step's HTML, as edited
            body_text=f"See our rooms: {ROOMS}\n",
            body_html=body_html if html else "",
        )
        assert run_send_pass().sent == 1
    email.refresh_from_db()
    return email, smtp_server.messages[0]


def parts(message: Any) -> tuple[str, str]:
    msg = parsed(message.raw)
    text = msg.get_body(("plain",))
    html = msg.get_body(("html",))
    return text.get_content(), html.get_content() if html is not None else ""


def test_a_tracked_html_email_has_signed_links_and_a_pixel_and_its_unsubscribe_untouched(
    smtp_server, settings
) -> None:
    email, message = send_one(
        smtp_server,
        settings,
        track_opens=True,
        track_clicks=True,
        tracking_base_url="https://t.hotelier.example",
    )
    text, html = parts(message)
    clicks = re.findall(r'href="https://t\.hotelier\.example/t/c/([^"]+)"', html)
    assert len(clicks) == 1
    assert read_click(clicks[0]).url == ROOMS  # type: ignore[union-attr]
    assert read_click(clicks[0]).email_id == email.pk  # type: ignore[union-attr]
    (pixel,) = re.findall(r'<img src="https://t\.hotelier\.example/t/o/([^"]+)"', html)
    assert read_open(pixel) == email.pk
    unsubscribe = unsubscribe_url(unsubscribe_token_for(email.recipient))
    assert f'href="{unsubscribe}"' in html
    assert f"<{unsubscribe}>" in header_line(message.raw, "List-Unsubscribe")
    assert ROOMS in text and "/t/" not in text  # the text part keeps the original link
    assert "/t/" not in email.body_html  # the ledger keeps what was written


def test_the_global_tracking_domain_applies_when_the_campaign_sets_none(
    smtp_server, settings
) -> None:
    settings.JENGU = {**settings.JENGU, "TRACKING_BASE_URL": "https://links.hotelier.example"}
    _email, message = send_one(smtp_server, settings, track_clicks=True)
    _text, html = parts(message)
    assert 'href="https://links.hotelier.example/t/c/' in html
    assert "/t/o/" not in html  # opens not asked for


def test_without_tracking_the_links_are_the_original_and_there_is_no_pixel(
    smtp_server, settings
) -> None:
    _email, message = send_one(smtp_server, settings)
    _text, html = parts(message)
    assert f'href="{ROOMS.replace("&", "&amp;")}"' in html
    assert "/t/" not in message.raw.decode()


def test_a_plain_text_email_stays_untracked_whatever_the_campaign_says(
    smtp_server, settings
) -> None:
    _email, message = send_one(smtp_server, settings, html=False, track_opens=True,
                               track_clicks=True)  # fmt: skip
    text, html = parts(message)
    assert html == "" and ROOMS in text
    assert "/t/" not in message.raw.decode()


def test_hits_are_recorded_and_scanners_and_early_hits_counted_apart(smtp_server, settings) -> None:
    email, message = send_one(smtp_server, settings, track_opens=True, track_clicks=True)
    _text, html = parts(message)
    (click,) = re.findall(r'href="http://127\.0\.0\.1:8000(/t/c/[^"]+)"', html)
    (pixel,) = re.findall(r'<img src="http://127\.0\.0\.1:8000(/t/o/[^"]+)"', html)
    assert email.sent_at == TUESDAY_10

    def hit(path: str, seconds: int, agent: str, ip: str = "198.51.100.7") -> Any:
        with time_machine.travel(TUESDAY_10 + timedelta(seconds=seconds), tick=False):
            return Client(HTTP_USER_AGENT=agent, REMOTE_ADDR=ip).get(path)

    scanner = hit(click, 2, "Mozilla/5.0 (compatible; Mimecast URL Protect)")
    assert (scanner.status_code, scanner["Location"]) == (302, ROOMS)
    hit(pixel, 3, CHROME)  # within JENGU_TRACKING_SUSPECT_SECONDS of the send
    hit(pixel, 600, "Mozilla/5.0", ip="17.58.100.9")  # Apple MPP's prefetch
    gmail = hit(pixel, 900, "Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 "
                "(via ggpht.com GoogleImageProxy)")  # fmt: skip
    assert gmail.status_code == 200 and gmail["Content-Type"] == "image/gif"
    assert "no-store" in gmail["Cache-Control"]
    person = hit(click, 3600, CHROME)
    assert (person.status_code, person["Location"]) == (302, ROOMS)

    events = {(e.kind, e.suspect, e.suspect_reason) for e in TrackingEvent.objects.all()}
    assert events == {
        ("click", True, "scanner: Mimecast"),
        ("open", True, "3 s after sending"),
        ("open", True, "Apple Mail Privacy Protection (Apple network)"),
        ("open", False, ""),  # Gmail's image proxy fetches when a person opens
        ("click", False, ""),
    }
    row = TrackingEvent.objects.get(kind="click", suspect=False)
    assert (row.email_id, row.campaign_id, row.url) == (email.pk, email.enrollment.campaign_id,
                                                        ROOMS)  # fmt: skip
    assert (row.ip, row.user_agent) == ("198.51.100.7", CHROME)


def test_the_suspect_window_is_a_setting(smtp_server, settings) -> None:
    settings.JENGU = {**settings.JENGU, "TRACKING_SUSPECT_SECONDS": 0}
    email, message = send_one(smtp_server, settings, track_opens=True)
    (pixel,) = re.findall(r'<img src="http://127\.0\.0\.1:8000(/t/o/[^"]+)"', parts(message)[1])
    with time_machine.travel(TUESDAY_10 + timedelta(seconds=1), tick=False):
        Client(HTTP_USER_AGENT=CHROME).get(pixel)
        Client(HTTP_USER_AGENT=CHROME).head(pixel)  # a link checker's HEAD
    assert sorted(TrackingEvent.objects.values_list("suspect_reason", flat=True)) == [
        "",
        "HEAD request (a link check)",
    ]
    assert Campaign.objects.get(pk=email.enrollment.campaign_id).track_opens


def test_an_html_step_sends_its_writers_text_as_html_and_tracking_applies(
    smtp_server, settings
) -> None:
    """The writers write text; a step that also sends HTML gets it from the text (escaped,
    paragraphs, links), so a tracked campaign's HTML steps are tracked without hand edits."""
    with time_machine.travel(TUESDAY_10, tick=False):
        smtp_inbox(smtp_server, settings)
        campaign = CampaignFactory(track_opens=True, track_clicks=True)
        campaign.steps.update(html=True)
        (enrollment,) = enrolled(campaign)
        prepare_due(now=TUESDAY_10)
        email = OutboundEmail.objects.get(enrollment=enrollment)
        assert email.body_text and email.body_html.startswith("<p>")
        OutboundEmail.objects.filter(pk=email.pk).update(
            body_text="Rooms & rates: https://casa-azul.example/rooms\n\nBest, Ana",
            body_html=text_as_html("Rooms & rates: https://casa-azul.example/rooms\n\nBest, Ana"),
        )
        assert run_send_pass().sent == 1
    text, html = parts(smtp_server.messages[0])
    assert "Rooms &amp; rates" in html and "<p>Best, Ana</p>" in html
    assert "/t/c/" in html and "/t/o/" in html  # the link went through a signed click URL
    assert "https://casa-azul.example/rooms" in text  # the text part keeps the original


def test_text_as_html_escapes_and_links() -> None:
    html = text_as_html('<b>Hi</b> "you"\nsee www.example.com\n\nbye')
    assert html.startswith("<p>&lt;b&gt;Hi&lt;/b&gt; &quot;you&quot;<br>")
    assert '<a href="http://www.example.com">www.example.com</a>' in html
    assert html.endswith("<p>bye</p>")
