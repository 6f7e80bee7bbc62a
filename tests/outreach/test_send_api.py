"""POST /api/send-email, POST /api/admin/trigger-send, GET /api/emails, GET /api/suppressions."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import time_machine

from outreach.models import Campaign, OutboundEmail
from outreach.services import suppress
from tests.factories import ContactFactory, ProspectFactory
from tests.outreach.helpers import TUESDAY_10, smtp_inbox

pytestmark = pytest.mark.django_db


@pytest.fixture
def inbox(smtp_server, settings):
    return smtp_inbox(smtp_server, settings)


def test_send_email_queues_then_trigger_send_sends(api, inbox, smtp_server) -> None:
    contact = ContactFactory()
    with time_machine.travel(TUESDAY_10, tick=False):
        response = api.post("/api/send-email", {"prospectId": contact.prospect_id}, format="json")
        assert response.status_code == 202
        body = response.json()
        assert body["status"] == "queued" and body["id"]
        again = api.post("/api/send-email/", {"prospectId": contact.prospect_id}, format="json")
        assert again.status_code == 409 and again.json()["code"] == "in_flight"
        sent = api.post("/api/admin/trigger-send", {"count": 5}, format="json")
    assert sent.status_code == 200
    assert sent.json()["sent"] == 1 and sent.json()["failed"] == 0
    assert OutboundEmail.objects.get(pk=body["id"]).enrollment.campaign.name == Campaign.MANUAL
    assert smtp_server.messages[0].rcpt_tos == [contact.email]


def test_send_email_reasons(api, inbox) -> None:
    assert api.post("/api/send-email", {"prospectId": 999}, format="json").status_code == 404
    bare = ProspectFactory()
    no_email = api.post("/api/send-email", {"prospectId": bare.pk}, format="json")
    assert (no_email.status_code, no_email.json()["code"]) == (422, "no_contact_email")
    blocked = ContactFactory()
    suppress(email=blocked.email, reason="unsubscribe")
    response = api.post("/api/send-email", {"prospectId": blocked.prospect_id}, format="json")
    assert (response.status_code, response.json()["code"]) == (409, "suppressed")
    bad = api.post("/api/send-email", {"prospectId": "x", "strategy": "nope"}, format="json")
    assert bad.status_code == 400 and set(bad.json()["fields"]) == {"prospectId", "strategy"}


def test_send_email_when_warmup_is_exhausted(api, inbox) -> None:
    inbox.warmup_schedule = "0"
    inbox.save()
    contact = ContactFactory()
    response = api.post("/api/send-email", {"prospectId": contact.prospect_id}, format="json")
    assert (response.status_code, response.json()["code"]) == (429, "warmup_exhausted")


def test_emails_ledger_lists_and_filters(api, inbox) -> None:
    contact = ContactFactory()
    with time_machine.travel(TUESDAY_10, tick=False):
        api.post("/api/send-email", {"prospectId": contact.prospect_id}, format="json")
        api.post("/api/admin/trigger-send", {}, format="json")
    rows = api.get("/api/emails").json()["results"]
    assert [(r["direction"], r["status"], r["to"]) for r in rows] == [
        ("outbound", "sent", contact.email)
    ]
    assert api.get("/api/emails?direction=inbound").json()["results"] == []
    assert api.get(f"/api/emails?prospect={contact.prospect_id}&status=sent").json()["results"]
    assert api.get("/api/emails?status=bogus").status_code == 400


def test_suppressions_lookup_by_address_matches_domain_rows(api) -> None:
    suppress(domain="blocked.example", reason="manual", detail="asked by the owner")
    rows = api.get("/api/suppressions?email=anyone@blocked.example").json()["results"]
    assert [(r["domain"], r["reason"]) for r in rows] == [("blocked.example", "manual")]


def test_send_email_says_a_follow_up_waits_for_its_step_delay(api, inbox, smtp_server) -> None:
    # What the demo operator saw: a second send-email answered three days ahead, unexplained.
    contact = ContactFactory()
    with time_machine.travel(TUESDAY_10, tick=False):
        first = api.post("/api/send-email", {"prospectId": contact.prospect_id}, format="json")
        assert first.json()["reason"].startswith("due now")
        api.post("/api/admin/trigger-send", {"count": 1}, format="json")
        second = api.post("/api/send-email", {"prospectId": contact.prospect_id}, format="json")
    assert second.status_code == 202
    body = second.json()
    sent_at = OutboundEmail.objects.get(pk=first.json()["id"]).sent_at
    delay = OutboundEmail.objects.get(pk=body["id"]).enrollment.campaign.steps.get(number=2)
    assert datetime.fromisoformat(body["send_after"]) == sent_at + timedelta(days=delay.delay_days)
    assert body["reason"] == f"step 2 follows step 1 after {delay.delay_days} day(s)"
