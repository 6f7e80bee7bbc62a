"""The tracking numbers: GET /api/campaigns/{id}/tracking and the admin's read-only blocks."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from outreach.models import Campaign, OutboundEmail
from outreach.services.tracking import OPENS_LABEL, tracking_record
from tests.factories import CampaignFactory, EnrollmentFactory

pytestmark = pytest.mark.django_db
CHROME = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/537.36 Chrome/131.0"


def sent_email(campaign: Campaign, n: int, html: str = "<p>Hi</p>") -> OutboundEmail:
    enrollment = EnrollmentFactory(campaign=campaign)
    now = timezone.now()
    return OutboundEmail.objects.create(
        enrollment=enrollment,
        step=1,
        prospect=enrollment.prospect,
        contact=enrollment.contact,
        recipient=enrollment.contact.email,
        subject="Rooms",
        body_text="Hi",
        body_html=html,
        message_id=f"<track-{n}@sender.example>",
        status=OutboundEmail.Status.SENT,
        send_after=now - timedelta(hours=1),
        sent_at=now - timedelta(hours=1),
    )


@pytest.fixture
def tracked() -> Campaign:
    """Two tracked emails: the first opened twice by its reader and once by Apple's proxy,
    clicked once by its reader and once by a Proofpoint scan; the second never opened."""
    campaign = CampaignFactory(track_opens=True, track_clicks=True)
    first, _second = sent_email(campaign, 1), sent_email(campaign, 2)
    sent_email(campaign, 3, html="")  # plain text: sent, never trackable
    now = timezone.now()
    hits = [
        ("open", CHROME, "203.0.113.5"),
        ("open", CHROME, "203.0.113.5"),
        ("open", "Mozilla/5.0", "17.1.2.3"),
        ("click", CHROME, "203.0.113.5"),
        ("click", "Proofpoint URL Defense", "198.51.100.1"),
    ]
    for kind, agent, ip in hits:
        tracking_record(kind=kind, email_id=first.pk, user_agent=agent, ip=ip, method="GET",
                        now=now, url="https://casa-azul.example/" if kind == "click" else "")  # fmt: skip
    return campaign


def _client_with_role(django_user_model: Any, role: str) -> APIClient:
    user = django_user_model.objects.create_user(f"{role}-user", password="pw-role-123456")
    user.groups.add(Group.objects.get_or_create(name=role)[0])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def test_the_api_counts_people_and_suspects_apart(tracked, django_user_model) -> None:
    viewer = _client_with_role(django_user_model, "viewer")
    response = viewer.get(f"/api/campaigns/{tracked.pk}/tracking")
    assert response.status_code == 200
    body = response.json()
    assert body["campaign"] == tracked.pk and body["track_opens"] and body["track_clicks"]
    assert (body["sent"], body["sent_html"]) == (3, 2)
    assert body["opens"] == {"human": 2, "suspect": 1, "emails": 1}
    assert body["clicks"] == {"human": 1, "suspect": 1, "emails": 1}
    assert body["opens_note"] == OPENS_LABEL
    assert body["tracking_base_url"] == "http://127.0.0.1:8000"
    assert viewer.get(f"/api/campaigns/{tracked.pk}/tracking/").status_code == 200


def test_the_api_answers_404_for_an_unknown_campaign_and_401_without_credentials(
    tracked, django_user_model
) -> None:
    viewer = _client_with_role(django_user_model, "viewer")
    missing = viewer.get("/api/campaigns/999999/tracking")
    assert missing.status_code == 404 and missing.json()["code"] == "campaign_not_found"
    assert APIClient().get(f"/api/campaigns/{tracked.pk}/tracking").status_code == 401
    nobody = django_user_model.objects.create_user("nobody", password="pw-nobody-12345")
    client = APIClient()
    client.force_authenticate(nobody)
    assert client.get(f"/api/campaigns/{tracked.pk}/tracking").status_code == 403
    assert viewer.post(f"/api/campaigns/{tracked.pk}/tracking", {}).status_code == 403


def test_an_untracked_campaign_reports_zeros(django_user_model) -> None:
    campaign = CampaignFactory()
    sent_email(campaign, 9)
    body = _client_with_role(django_user_model, "operator").get(
        f"/api/campaigns/{campaign.pk}/tracking"
    ).json()  # fmt: skip
    assert (body["track_opens"], body["track_clicks"], body["sent"]) == (False, False, 1)
    assert body["opens"] == body["clicks"] == {"human": 0, "suspect": 0, "emails": 0}


def test_the_campaign_admin_page_shows_the_tracking_block(tracked, admin_client) -> None:
    page = admin_client.get(f"/admin/outreach/campaign/{tracked.pk}/change/")
    assert page.status_code == 200
    html = page.content.decode()
    assert ">Tracking</h2>" in html
    assert OPENS_LABEL in html and "3 sent, 2 with HTML" in html
    assert "<th>opens (unreliable: Apple Mail Privacy Protection and scanners)</th><td>2</td>" \
        "<td>1</td><td>1</td>" in html  # fmt: skip
    assert "<th>clicks</th><td>1</td><td>1</td><td>1</td>" in html
    assert 'name="track_opens"' in html and 'name="tracking_base_url"' in html


def test_the_campaign_admin_saves_the_opt_in(admin_client) -> None:
    campaign = CampaignFactory()
    page = admin_client.get(f"/admin/outreach/campaign/{campaign.pk}/change/")
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k != "blackout_dates"}
    data.update(
        {
            "track_clicks": "on",
            "tracking_base_url": "https://t.hotelier.example",
            "blackout_dates": "",
        }
    )
    for inline in page.context["inline_admin_formsets"]:  # steps, variants: none posted
        prefix = inline.formset.prefix
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    data.pop("track_opens", None)
    response = admin_client.post(f"/admin/outreach/campaign/{campaign.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    campaign.refresh_from_db()
    assert (campaign.track_opens, campaign.track_clicks) == (False, True)
    assert campaign.tracking_base_url == "https://t.hotelier.example"


def test_the_outbound_email_admin_page_shows_its_hits(tracked, admin_client) -> None:
    email = OutboundEmail.objects.get(message_id="<track-1@sender.example>")
    html = admin_client.get(f"/admin/outreach/outboundemail/{email.pk}/change/").content.decode()
    assert ">Tracking</h2>" in html
    assert "<th>clicks</th><td>1</td><td>1</td><td>1</td>" in html
    assert "scanner: Proofpoint" in html and "Apple Mail Privacy Protection" in html
    other = OutboundEmail.objects.get(message_id="<track-2@sender.example>")
    html = admin_client.get(f"/admin/outreach/outboundemail/{other.pk}/change/").content.decode()
    assert "<th>clicks</th><td>0</td><td>0</td><td>0</td>" in html


def test_the_email_list_carries_each_emails_people_hits(
    tracked, api, django_assert_max_num_queries
) -> None:
    with django_assert_max_num_queries(6):  # auth and one query per table, whatever the page
        rows = api.get("/api/emails?direction=outbound").json()["results"]
    counts = {r["message_id"]: (r["opens"], r["clicks"]) for r in rows}
    assert counts == {
        "<track-1@sender.example>": (2, 1),  # Apple's prefetch and Proofpoint's scan not counted
        "<track-2@sender.example>": (0, 0),
        "<track-3@sender.example>": (0, 0),
    }
