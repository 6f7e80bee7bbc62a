"""The admin's approval queue: the draft beside the writer's facts; edit, approve, reject,
one by one or in bulk; linked from the admin home by name."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from console import demo
from console.forecast import forecast
from outreach.models import Campaign, OutboundEmail
from outreach.services import prepare_due
from tests.factories import CampaignFactory, InboxFactory
from tests.outreach.helpers import TUESDAY_10, enrolled

pytestmark = pytest.mark.django_db
QUEUE = "/admin/approvals/"
BODY = "Hello Marta,\n\nWould a short call about answering guest emails help this season?\n\nRui"


def drafts(n: int = 1, campaign: Campaign | None = None) -> list[OutboundEmail]:
    """``n`` first emails awaiting approval (offline writer), oldest first."""
    with time_machine.travel(TUESDAY_10, tick=False):
        InboxFactory()
        enrolled(campaign or CampaignFactory(review_first_emails=True), n=n)
        prepare_due(now=timezone.now())
    return list(OutboundEmail.objects.filter(status="awaiting_approval").order_by("pk"))


def _messages(response: Any) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_the_home_page_links_the_queue_by_name(admin_client: Client) -> None:
    drafts(2)
    home = admin_client.get("/admin/").content.decode()
    assert f'<a href="{QUEUE}">Approval queue</a>' in home
    assert "2 awaiting" in home


def test_the_queue_shows_each_draft_beside_the_writers_facts(admin_client: Client) -> None:
    (email,) = drafts()
    prospect = email.prospect
    page = admin_client.get(QUEUE).content.decode()
    assert f'id="draft-{email.pk}"' in page
    assert f'value="{email.subject}"' in page
    assert "What the writer was told" in page
    assert f"<dt>Property</dt><dd>{prospect.name}</dd>" in page
    assert "1</strong> first email awaits approval" in page


def test_edit_and_approve_one(admin_client: Client) -> None:
    (email,) = drafts()
    answer = admin_client.post(
        f"{QUEUE}{email.pk}/",
        {"action": "approve", "subject": "Guest emails at Casa", "body_text": BODY},
        follow=True,
    )
    email.refresh_from_db()
    assert (email.status, email.subject, email.body_text) == (
        "queued",
        "Guest emails at Casa",
        BODY,
    )
    assert _messages(answer) == [f"1 draft(s) approved: #{email.pk}."]
    assert f'id="draft-{email.pk}"' not in answer.content.decode()


def test_an_invalid_edit_is_refused_with_the_writers_reason(admin_client: Client) -> None:
    (email,) = drafts()
    answer = admin_client.post(
        f"{QUEUE}{email.pk}/",
        {"action": "approve", "subject": "Hi {first_name}", "body_text": BODY},
        follow=True,
    )
    email.refresh_from_db()
    assert email.status == "awaiting_approval" and email.subject != "Hi {first_name}"
    assert "unresolved placeholder: {first_name}" in _messages(answer)[0]


def test_reject_one_needs_a_reason(admin_client: Client) -> None:
    (email,) = drafts()
    refused = admin_client.post(f"{QUEUE}{email.pk}/", {"action": "reject"}, follow=True)
    assert "A reason is required." in _messages(refused)[0]
    email.refresh_from_db()
    assert email.status == "awaiting_approval"

    admin_client.post(f"{QUEUE}{email.pk}/", {"action": "reject", "reason": "wrong hotel"})
    email.refresh_from_db()
    assert (email.status, email.review_note) == ("rejected", "wrong hotel")


def test_bulk_approve_and_reject(admin_client: Client) -> None:
    a, b, c = drafts(3)
    approved = admin_client.post(
        f"{QUEUE}bulk/", {"action": "approve", "ids": [a.pk, b.pk]}, follow=True
    )
    assert _messages(approved) == [f"2 draft(s) approved: #{a.pk}, #{b.pk}."]
    rejected = admin_client.post(
        f"{QUEUE}bulk/", {"action": "reject", "ids": [b.pk, c.pk], "reason": "tone"}, follow=True
    )
    assert _messages(rejected) == [
        f"1 draft(s) rejected: #{c.pk}.",
        f"Draft #{b.pk} not rejected: no longer awaiting approval (queued).",
    ]
    statuses = dict(OutboundEmail.objects.values_list("pk", "status"))
    assert statuses == {a.pk: "queued", b.pk: "queued", c.pk: "rejected"}


def test_the_campaign_filter_narrows_the_queue(admin_client: Client) -> None:
    (one,) = drafts(1, CampaignFactory(review_first_emails=True, name="Porto"))
    lisbon = CampaignFactory(review_first_emails=True, name="Lisbon")
    with time_machine.travel(TUESDAY_10, tick=False):
        enrolled(lisbon)
        prepare_due(now=timezone.now())
    page = admin_client.get(QUEUE, {"campaign": lisbon.pk}).content.decode()
    assert f'id="draft-{one.pk}"' not in page
    assert page.count('class="ja-draft"') == 1


def test_only_roles_see_the_queue(client: Client, django_user_model: Any) -> None:
    django_user_model.objects.create_user("viewer", password="pw-viewer-123")
    client.login(username="viewer", password="pw-viewer-123")
    (email,) = drafts()
    assert client.get(QUEUE).status_code == 302  # to the admin login
    client.post(f"{QUEUE}{email.pk}/", {"action": "approve"})
    email.refresh_from_db()
    assert email.status == "awaiting_approval"


def test_the_forecast_counts_awaiting_drafts_apart() -> None:
    drafts(2)
    assumptions = forecast(n=0)["assumptions"]
    assert (assumptions["queued_emails"], assumptions["awaiting_approval"]) == (0, 2)


def test_the_demo_setting_makes_the_demo_campaign_review(settings: Any) -> None:
    settings.JENGU = {**settings.JENGU, "DEMO_REVIEW": True}
    demo.load_demo()
    assert Campaign.objects.get(name=demo.DEMO_CAMPAIGN).review_first_emails
    settings.JENGU = {**settings.JENGU, "DEMO_REVIEW": False}
    demo.load_demo()
    assert not Campaign.objects.get(name=demo.DEMO_CAMPAIGN).review_first_emails


def test_the_campaign_page_has_the_setting_off_by_default(admin_client: Client) -> None:
    page = admin_client.get("/admin/outreach/campaign/add/").content.decode()
    assert "Review first emails before sending" in page
    assert (
        'name="review_first_emails"' in page
        and "checked" not in page.split('name="review_first_emails"')[1].split(">")[0]
    )
    assert not CampaignFactory().review_first_emails
