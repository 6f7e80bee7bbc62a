"""A/B results from real sends and real replies (a Maildir inbox, the offline classifier):
the counts per variant, the API, the auto-winner (audited) and the campaign's admin page."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import Group

from core.models import AuditLog
from inboxes.clients.maildir import inbox_path, open_maildir
from outreach.models import Campaign, Enrollment, OutboundEmail, Reply, StepVariant
from outreach.services.abresults import auto_winner_check
from outreach.services.reader import check_inbox
from outreach.services.replies import reply_mark_meeting_booked
from outreach.tasks import ab_auto_winner
from tests.factories import InboxFactory
from tests.inbound.messages import plain_reply
from tests.outreach.ab_world import ab_campaign
from tests.outreach.helpers import TUESDAY_10, enrolled

pytestmark = pytest.mark.django_db
YES = "Yes, this sounds useful. Could we book a call next Tuesday morning?"
NO = "No thanks, we are not interested at the moment."
STOP = "Unsubscribe me, please."


def _run(campaign: Campaign, answers: dict[str, list[str]]) -> None:
    """Send step 1 to every enrollment, then each variant's first prospects answer in order."""
    from outreach.services import run_send_pass

    with time_machine.travel(TUESDAY_10, tick=False):
        assert run_send_pass().sent == Enrollment.objects.filter(campaign=campaign).count()
    inbox = Enrollment.objects.filter(campaign=campaign).first().inbox  # type: ignore[union-attr]
    box = open_maildir(inbox_path(inbox))
    for label, texts in answers.items():
        emails = OutboundEmail.objects.filter(enrollment__campaign=campaign, variant=label)
        for n, (email, text) in enumerate(zip(emails.order_by("pk"), texts, strict=False)):
            box.add(
                plain_reply(
                    frm=email.recipient,
                    to=email.from_address,
                    subject=email.subject,
                    in_reply_to=email.message_id,
                    body=text,
                    msgid=f"<r{label}{n}@hotel.example>",
                )
            )
    with time_machine.travel(TUESDAY_10.replace(hour=11), tick=False):
        check_inbox(inbox.pk)


@pytest.fixture
def campaign() -> Campaign:
    InboxFactory(address="outreach@sender.example", warmup_schedule="100")
    campaign = ab_campaign("AB", steps=[0], ab_auto_winner=True, ab_min_sample=10)
    enrolled(campaign, n=24)
    return campaign


def _viewer(django_user_model: Any) -> Any:
    from rest_framework.test import APIClient

    viewer = django_user_model.objects.create_user("viewer1", password="pw")
    viewer.groups.add(Group.objects.get_or_create(name="viewer")[0])
    client = APIClient()
    client.force_authenticate(viewer)
    return client


def test_results_count_each_variants_replies_and_the_api_shows_them(
    campaign, django_user_model
) -> None:
    _run(campaign, {"A": [YES] * 9 + [NO], "B": [NO, STOP, YES]})
    Campaign.objects.filter(pk=campaign.pk).update(ab_auto_winner=False)
    booked = Reply.objects.filter(matched_outbound__variant="A").order_by("pk")[:2]
    for reply in booked:
        reply_mark_meeting_booked(reply_id=reply.pk, now=TUESDAY_10)
    body = _viewer(django_user_model).get(f"/api/campaigns/{campaign.pk}/variants").json()
    (step,) = body["steps"]
    a, b = step["variants"]
    assert (a["label"], a["sent"], a["replies"], a["positive"]) == ("A", 12, 10, 9)
    assert (b["label"], b["sent"], b["replies"], b["positive"]) == ("B", 12, 3, 1)
    assert (a["meetings"], a["unsubscribes"], b["meetings"], b["unsubscribes"]) == (2, 0, 0, 1)
    assert a["bounces"] == b["bounces"] == 0
    assert a["low"] < 9 / 12 < a["high"] and a["p_vs_leader"] is None
    assert b["p_vs_leader"] < 0.05 and b["worse_than_leader"]
    assert (step["leader"], step["winner"], step["assigns"]) == ("A", "A", True)
    assert body["test"]["alpha"] == 0.05
    assert StepVariant.objects.filter(active=True).count() == 2  # the auto-winner is off


def test_auto_winner_stops_the_loser_audited_and_new_prospects_get_the_winner(campaign) -> None:
    _run(campaign, {"A": [YES] * 9, "B": [NO]})
    assert ab_auto_winner() == f"winners: {{'{campaign.name}': 'A'}}"
    b = StepVariant.objects.get(campaign=campaign, label="B")
    assert not b.active and b.stopped_reason.startswith("auto-winner: A")
    audit = AuditLog.objects.get(action="ab_winner")
    assert audit.detail["winner"] == "A" and audit.detail["stopped"] == ["B"]
    newcomers = enrolled(campaign, n=4)
    assert {Enrollment.objects.get(pk=e.pk).variant for e in newcomers} == {"A"}
    assert ab_auto_winner() == "no winner"  # decided once


def test_no_winner_before_the_minimum_sample(campaign) -> None:
    Campaign.objects.filter(pk=campaign.pk).update(ab_min_sample=13)
    campaign.refresh_from_db()
    _run(campaign, {"A": [YES] * 9, "B": [NO]})
    assert auto_winner_check(campaign=campaign, now=TUESDAY_10) is None
    assert StepVariant.objects.filter(active=True).count() == 2


def test_variants_api_404_and_roles(campaign, anon_client, django_user_model) -> None:
    client = _viewer(django_user_model)
    answer = client.get(f"/api/campaigns/{campaign.pk}/variants/")
    assert answer.status_code == 200
    assert [v["label"] for v in answer.json()["steps"][0]["variants"]] == ["A", "B"]
    missing = client.get("/api/campaigns/987654/variants")
    assert missing.status_code == 404 and missing.json()["code"] == "campaign_not_found"
    assert anon_client.get(f"/api/campaigns/{campaign.pk}/variants").status_code in (401, 403)
    assert client.post(f"/api/campaigns/{campaign.pk}/variants").status_code == 403


def test_campaign_admin_page_shows_variants_results_and_chart(campaign, admin_client: Any):
    _run(campaign, {"A": [YES] * 3, "B": [NO]})
    page = admin_client.get(f"/admin/outreach/campaign/{campaign.pk}/change/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "A/B variant" in html and 'name="variants-0-subject"' in html
    assert 'class="ab-results"' in html and "<svg" in html and "ab-chart" in html
    assert "25.0%" in html  # A: 3 positive of 12 sent


def test_the_admin_refuses_a_step_with_one_variant(admin_client: Any) -> None:
    campaign = ab_campaign("AB", steps=[0])
    page = admin_client.get(f"/admin/outreach/campaign/{campaign.pk}/change/")
    data = _form_data(page)
    data["variants-1-DELETE"] = "on"
    answer = admin_client.post(f"/admin/outreach/campaign/{campaign.pk}/change/", data)
    assert answer.status_code == 200  # the form again, with the error
    assert "Step 1 has 1 variant(s): an A/B test needs 2 to 5." in answer.content.decode()
    assert StepVariant.objects.filter(campaign=campaign).count() == 2
    data.pop("variants-1-DELETE")
    data["variants-1-subject"] = "B, edited: rooms at {prospect_name}"
    answer = admin_client.post(f"/admin/outreach/campaign/{campaign.pk}/change/", data)
    assert answer.status_code == 302
    assert StepVariant.objects.get(campaign=campaign, label="B").subject.startswith("B, edited")


def _form_data(page: Any) -> dict[str, str]:
    """The change form as the browser would post it (every input, textarea and select)."""
    from html.parser import HTMLParser

    data: dict[str, str] = {}

    class Form(HTMLParser):
        field: str | None = None

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            a = dict(attrs)
            name = a.get("name")
            if tag == "input" and name and a.get("type") not in ("submit", "checkbox"):
                data[name] = a.get("value") or ""
            elif tag == "input" and name and "checked" in a:
                data[name] = "on"
            elif tag in ("textarea", "select") and name:
                self.field = name
                data[name] = ""
            elif tag == "option" and self.field and "selected" in a:
                data[self.field] = a.get("value") or ""

        def handle_data(self, text: str) -> None:
            if self.field and self.lasttag == "textarea" and not data.get(self.field):
                data[self.field] = text

        def handle_endtag(self, tag: str) -> None:
            if tag in ("textarea", "select"):
                self.field = None

    Form().feed(page.content.decode())
    return data


def test_the_variant_of_an_enrollment_and_its_emails_is_read_only_in_the_admin(
    campaign, admin_client: Any
) -> None:
    _run(campaign, {})
    enrollment = Enrollment.objects.filter(campaign=campaign).first()
    assert enrollment is not None and enrollment.variant in ("A", "B")
    email = OutboundEmail.objects.get(enrollment=enrollment)
    for url in (
        f"/admin/outreach/enrollment/{enrollment.pk}/change/",
        f"/admin/outreach/outboundemail/{email.pk}/change/",
    ):
        html = admin_client.get(url).content.decode()
        assert 'name="variant"' not in html
        assert "field-variant" in html
