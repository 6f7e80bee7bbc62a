"""One-click unsubscribe (RFC 8058) and the recipients' business-hours windows."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client, RequestFactory

from compliance.models import Suppression
from compliance.services import unsubscribe_token_for
from outreach.services import run_send_pass
from outreach.services.policy import in_window, parse_days, parse_hours
from outreach.views import unsubscribe
from tests.outreach.helpers import TUESDAY_10, enrolled, header_line, smtp_inbox

pytestmark = pytest.mark.django_db


def _token_from_sent_mail(smtp_server, settings) -> tuple[str, str]:
    with time_machine.travel(TUESDAY_10, tick=False):
        smtp_inbox(smtp_server, settings)
        (enrollment,) = enrolled()
        run_send_pass()
    line = header_line(smtp_server.messages[0].raw, "List-Unsubscribe")
    return re.search(r"/u/([\w-]+)>", line).group(1), enrollment.contact.email


def test_get_shows_a_confirm_page_and_changes_nothing(smtp_server, settings) -> None:
    token, _address = _token_from_sent_mail(smtp_server, settings)
    response = Client().get(f"/u/{token}")
    assert response.status_code == 200
    assert b'<form method="post"' in response.content
    assert not Suppression.objects.exists()


def test_one_click_post_suppresses_without_csrf_or_cookies(smtp_server, settings) -> None:
    token, address = _token_from_sent_mail(smtp_server, settings)
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        f"/u/{token}",
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers and not response.cookies
    assert Suppression.objects.get(email=address).reason == "unsubscribe"
    assert client.post(f"/u/{token}/").status_code == 200  # twice is fine


def test_head_answers_like_get_without_a_body_and_changes_nothing(smtp_server, settings) -> None:
    """Mail scanners check links with HEAD: same status and headers as GET, no body, and no
    unsubscribe (only POST does that). Called through the handler, which keeps a body that
    the test client and gunicorn would drop."""
    token, _address = _token_from_sent_mail(smtp_server, settings)
    get = Client().get(f"/u/{token}")
    head = unsubscribe(RequestFactory().head(f"/u/{token}"), token=token)
    assert head.status_code == 200 == get.status_code
    assert head.content == b""
    assert head["Content-Length"] == str(len(get.content))
    assert head["Content-Type"] == get["Content-Type"] and head["Cache-Control"] == "no-store"
    assert Client().head(f"/u/{token}/").status_code == 200
    assert not Suppression.objects.exists()


def test_head_with_an_invalid_token_is_a_400_without_a_body() -> None:
    head = unsubscribe(RequestFactory().head("/u/not-a-real-token"), token="not-a-real-token")
    assert (head.status_code, head.content) == (400, b"")


def test_an_invalid_token_gives_400_and_changes_nothing() -> None:
    unsubscribe_token_for("real@hotel.example")
    for method in ("get", "post"):
        response = getattr(Client(), method)("/u/not-a-real-token-000000000")
        assert response.status_code == 400
        assert "Location" not in response.headers
    assert not Suppression.objects.exists()


def test_tokens_are_random_per_recipient_and_stable() -> None:
    a1, a2 = unsubscribe_token_for("a@x.example"), unsubscribe_token_for("A@x.example")
    b = unsubscribe_token_for("b@x.example")
    assert a1 == a2 and a1 != b and len(a1) >= 40


@pytest.mark.parametrize(
    ("when", "lisbon", "new_york"),
    [
        (datetime(2026, 12, 1, 9, 0, tzinfo=ZoneInfo("UTC")), True, False),  # 09:00 / 04:00
        (datetime(2026, 12, 1, 16, 59, tzinfo=ZoneInfo("UTC")), True, True),  # 16:59 / 11:59
        (datetime(2026, 12, 1, 17, 0, tzinfo=ZoneInfo("UTC")), False, True),  # 17:00 / 12:00
        (datetime(2026, 12, 1, 21, 59, tzinfo=ZoneInfo("UTC")), False, True),  # 21:59 / 16:59
        (datetime(2026, 12, 1, 22, 0, tzinfo=ZoneInfo("UTC")), False, False),  # 22:00 / 17:00
        (datetime(2026, 12, 5, 12, 0, tzinfo=ZoneInfo("UTC")), False, False),  # Saturday
    ],
)
def test_window_edges_in_two_timezones(when, lisbon, new_york) -> None:
    assert in_window(ZoneInfo("Europe/Lisbon"), when) is lisbon
    assert in_window(ZoneInfo("America/New_York"), when) is new_york


def test_the_pass_sends_only_to_recipients_inside_their_hours(smtp_server, settings) -> None:
    # 17:30 in Lisbon is 12:30 in New York.
    with time_machine.travel(datetime(2026, 12, 1, 17, 30, tzinfo=ZoneInfo("UTC")), tick=False):
        smtp_inbox(smtp_server, settings)
        (_lisbon,) = enrolled(prospect__city="Lisbon", prospect__country="Portugal")
        (ny,) = enrolled(prospect__city="New York", prospect__country="United States")
        report = run_send_pass()
    assert report.sent == 1
    assert smtp_server.messages[0].rcpt_tos == [ny.contact.email]
    assert "business hours" in report.as_dict()["skipped"][0]["reason"]


def test_window_grammar(settings) -> None:
    assert parse_hours("0-24") == (0, 24) and parse_days("mon-sun") == set(range(7))
    assert parse_days("mon,tue,sat") == {0, 1, 5} and parse_days("fri-mon") == {4, 5, 6, 0}
    settings.JENGU = {**settings.JENGU, "SEND_HOURS": "0-24", "SEND_DAYS": "mon-sun"}
    assert in_window(ZoneInfo("Asia/Tokyo"), datetime(2026, 12, 6, 3, 0, tzinfo=ZoneInfo("UTC")))
    with pytest.raises(ValueError, match="JENGU_SEND_HOURS"):
        parse_hours("17-9")
