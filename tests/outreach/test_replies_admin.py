"""The admin's "Replies" page: list, filters, the thread page and its forms (Django's client;
the browser tests are tests/ui/test_replies_browser.py)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from outreach.models import InboundMessage, OutboundEmail, Reply
from prospects.models import Prospect
from tests.outreach.replies_world import sent_and_replied

pytestmark = pytest.mark.django_db
LIST = "/admin/outreach/reply/"


@pytest.fixture
def operator_client(client: Client, django_user_model: Any) -> Client:
    client.force_login(django_user_model.objects.create_superuser("ana", password="pw-ana-12"))
    return client


def test_the_home_page_links_replies_with_the_unread_count(operator_client, smtp_server, settings):
    sent_and_replied(smtp_server, settings)
    page = operator_client.get("/admin/").content.decode()
    assert f'href="{LIST}">Replies</a>' in page
    assert "1 unread" in page


def test_the_list_shows_human_replies_with_their_facts(operator_client, smtp_server, settings):
    t = sent_and_replied(smtp_server, settings)
    InboundMessage.objects.create(
        inbox=t.inbox, message_id="<b@x>", kind="bounce", from_address="mailer-daemon@x.example"
    )
    page = operator_client.get(LIST).content.decode()
    assert t.first.recipient in page and "mailer-daemon" not in page
    assert 'class="rp-intent is-interested">interested' in page
    assert t.enrollment.campaign.name in page and t.inbox.address in page
    assert "unread" in page
    assert t.first.recipient not in operator_client.get(LIST + "?intent=unclear").content.decode()
    assert t.first.recipient in operator_client.get(LIST + "?needs_human=yes").content.decode()
    assert t.first.recipient in operator_client.get(LIST + "?state=unread").content.decode()
    campaign = f"{LIST}?campaign={t.enrollment.campaign_id}"
    assert t.first.recipient in operator_client.get(campaign).content.decode()


def test_opening_a_reply_shows_the_thread_and_the_card_and_marks_it_read(
    operator_client, smtp_server, settings
) -> None:
    t = sent_and_replied(smtp_server, settings)
    page = operator_client.get(f"{LIST}{t.reply.pk}/change/").content.decode()
    assert page.index(f'id="outbound-{t.first.pk}"') < page.index(f'id="inbound-{t.reply.pk}"')
    assert "<summary>Quoted text</summary>" in page
    assert 'id="prospect-card"' in page and t.enrollment.prospect.name in page
    assert Reply.objects.get(pk=t.reply.pk).read_at is not None


def test_the_forms_call_the_services(operator_client, smtp_server, settings) -> None:
    t = sent_and_replied(smtp_server, settings)
    url = f"{LIST}{t.reply.pk}/change/"
    operator_client.post(url, {"action": "intent", "intent": "meeting_request"})
    assert Prospect.objects.get(pk=t.enrollment.prospect_id).stage == "meeting"
    operator_client.post(url, {"action": "unread"})
    assert Reply.objects.get(pk=t.reply.pk).read_at is None
    operator_client.post(url, {"action": "snooze", "until": "2099-01-02"})
    assert Reply.objects.get(pk=t.reply.pk).snoozed_until.year == 2099
    operator_client.post(url, {"action": "meeting"})
    assert Reply.objects.get(pk=t.reply.pk).meeting_booked_at is not None
    suggested = operator_client.post(url, {"action": "suggest"}).content.decode()
    assert "Best regards" in suggested  # the answer box, prefilled
    operator_client.post(url, {"action": "answer", "subject": "", "body": "See you Tuesday."})
    answer = OutboundEmail.objects.get(strategy="answer")
    assert (answer.in_reply_to, answer.status) == (t.reply.message_id, "queued")
    assert answer.body_text.startswith("See you Tuesday.")


def test_a_viewer_reads_but_cannot_act(client, role_user, smtp_server, settings):
    t = sent_and_replied(smtp_server, settings)
    client.force_login(role_user("viewer"))
    assert client.get(LIST).status_code == 200
    assert client.get(f"{LIST}{t.reply.pk}/change/").status_code == 200
    assert Reply.objects.get(pk=t.reply.pk).read_at is None  # a viewer's look changes nothing
    answer = {"action": "answer", "body": "x"}
    assert client.post(f"{LIST}{t.reply.pk}/change/", answer).status_code == 403
    assert not OutboundEmail.objects.filter(strategy="answer").exists()


def test_a_user_without_a_role_is_sent_to_the_login(client, role_user, smtp_server, settings):
    t = sent_and_replied(smtp_server, settings)
    client.force_login(role_user(None))
    assert client.get(LIST).status_code == 302
    client.post(f"{LIST}{t.reply.pk}/change/", {"action": "answer", "body": "x"})
    assert not OutboundEmail.objects.filter(strategy="answer").exists()
