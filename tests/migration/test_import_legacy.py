"""``manage.py import_legacy``: the Cloudflare (D1) and Vercel (Supabase) exports in Jengu."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import CommandError

from compliance.models import Suppression
from inboxes.models import Inbox
from migration.importer import import_legacy
from outreach.models import Campaign, Enrollment, InboundMessage, OutboundEmail, SequenceStep
from outreach.services import email_prepare, prepare_due
from outreach.services.inbound import ingest_message
from prospects.models import Contact, Prospect
from prospects.services import ProspectInput, prospect_create
from tests.factories import InboxFactory
from tests.inbound.messages import plain_reply
from tests.migration.helpers import (
    D1,
    INES,
    JOAO,
    MARIA,
    MARIA_STEP1,
    PEDRO,
    RITA,
    SENDER,
    SOFIA,
    SUPABASE,
    export_copy,
    run_import,
)

pytestmark = pytest.mark.django_db
LUCIA = "lucia@hostalgranvia.example"
TIAGO = "tiago@pousadadouro.example"


@pytest.fixture
def both(tmp_path):
    return export_copy(tmp_path, D1, SUPABASE)


def _utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_prospects_and_contacts_go_through_the_importers_dedup(both) -> None:
    existing = prospect_create(
        data=ProspectInput(name="Ribeira Porto Hotel", city="Porto", website="ribeiraporto.example")
    ).prospect
    output = run_import(both)

    ribeira = Prospect.objects.get(domain="ribeiraporto.example")
    assert ribeira.pk == existing.pk
    assert ribeira.legacy_id == "8c2d4b7a-61f0-4d3e-8e52-3f1b0a7c9d02"
    assert Contact.objects.get(email=JOAO).prospect_id == existing.pk
    # Casa do Alfama is in both exports (same address): one prospect, with the D1 id.
    alfama = Prospect.objects.get(name="Casa do Alfama")
    assert alfama.legacy_id == "5b0e6f1c-2a41-4f7e-9a43-0d6a1c9e8b01"
    assert (alfama.stage, alfama.tier, alfama.score) == ("contacted", "warm", 62)
    assert Prospect.objects.filter(name="Hostal Gran Vía", city="Madrid").exists()
    triana = Prospect.objects.get(name="Casa Triana")
    assert not triana.contacts.exclude(email="").exists()
    assert "invalid email 'lola at casatriana' left out" in output
    assert "prospects: missing name (1): d1/jengu-crm.sql:44" in output


def test_sent_emails_become_sent_ledger_rows_with_their_message_ids(both) -> None:
    run_import(both)

    step1 = OutboundEmail.objects.get(message_id=MARIA_STEP1)
    assert (step1.status, step1.step, step1.legacy) == ("sent", 1, True)
    assert step1.sent_at == _utc(2026, 11, 30, 9, 12, 5)
    assert (step1.recipient, step1.from_address, step1.inbox.address) == (MARIA, SENDER, SENDER)
    assert step1.enrollment.campaign.name == "Cold: Direct & Human"
    assert step1.subject == "Quick question about Casa do Alfama"
    assert step1.body_text.startswith("Hi Maria,\n\nI noticed")
    porto = OutboundEmail.objects.filter(recipient=JOAO).order_by("step")
    assert [(e.step, e.status) for e in porto] == [(1, "sent"), (2, "sent")]
    assert OutboundEmail.objects.get(recipient=PEDRO).status == "bounced"
    lucia = OutboundEmail.objects.get(recipient=LUCIA)
    assert lucia.message_id == "<c5d6e7f8-0a1b-4c2d-9e3f-405162738495@jengu-mail.example>"
    assert lucia.enrollment.campaign.name == "Legacy"
    # The D1 test email had no Message-ID: it gets a stable one, on its sender's domain.
    faro = OutboundEmail.objects.get(recipient="rui@farobeachlodge.example")
    assert faro.message_id.startswith("<legacy-") and faro.message_id.endswith(
        "@jengu-mail.example>"
    )
    assert faro.enrollment.status == "completed"
    # An auto-reply is no sequence step: it is kept (replies may quote it) under Legacy.
    auto = OutboundEmail.objects.get(message_id="<graph-1764692687293>")
    assert auto.enrollment.campaign.name == "Legacy"
    assert OutboundEmail.objects.filter(legacy=True).count() == 9  # pending and draft: not sent
    assert not OutboundEmail.objects.filter(recipient=INES).exists()


def test_old_replies_are_matched_and_stop_their_sequence(both) -> None:
    run_import(both)

    sofia = InboundMessage.objects.get(from_address=SOFIA)
    assert sofia.matched_outbound.subject == "A small idea for Quinta da Serra"
    assert (sofia.match, sofia.kind, sofia.intent) == ("in_reply_to", "reply", "meeting_request")
    assert (
        Enrollment.objects.get(contact__email=SOFIA, campaign__name="Curious & Generous").status
        == "replied"
    )
    lucia = InboundMessage.objects.get(from_address=LUCIA)
    assert (lucia.match, lucia.intent) == ("references", "not_interested")  # same thread_id
    assert lucia.matched_outbound.recipient == LUCIA


def test_a_new_reply_to_an_old_email_still_matches(both) -> None:
    run_import(both)
    inbox = Inbox.objects.get(address=SENDER)
    raw = plain_reply(
        frm=MARIA,
        to=SENDER,
        subject="Quick question about Casa do Alfama",
        in_reply_to=MARIA_STEP1,
        body="Could you call me on Friday?",
        msgid="<reply-friday@casadoalfama.example>",
    )

    message, created = ingest_message(inbox=inbox, raw=raw)

    assert created and message.matched_outbound.message_id == MARIA_STEP1
    assert message.match == "in_reply_to"
    enrollment = Enrollment.objects.get(contact__email=MARIA)
    assert enrollment.status != "active"  # a reply stops the sequence


def test_exclusions_and_bounces_become_suppressions(both) -> None:
    output = run_import(both)

    rows = {(s.email or "@" + s.domain): s.reason for s in Suppression.objects.all()}
    assert rows == {
        "optout@douro-valley.example": "legacy",
        "@herdadeevora.example": "legacy",
        PEDRO: "bounce",
        RITA: "bounce",
        TIAGO: "unsubscribe",  # campaign_leads.status = unsubscribed
        "rui@farobeachlodge.example": "complaint",  # bounces.type = complaint
    }
    assert "suppressions: neither a valid address nor a domain (1)" in output
    assert JOAO not in rows  # a soft bounce is recorded, not suppressed
    assert "soft bounce for joao@ribeiraporto.example recorded, not suppressed" in output
    bounce = InboundMessage.objects.get(kind="bounce", bounce_recipient=PEDRO)
    assert bounce.matched_outbound.recipient == PEDRO
    assert bounce.bounce_consequence == "address_bad"
    assert Contact.objects.get(email=PEDRO).verification == "invalid"
    assert Enrollment.objects.get(contact__email=PEDRO).status == "bounced"
    # Inês was active in the old campaign, but her domain is excluded: never written to.
    ines = Enrollment.objects.get(contact__email=INES)
    assert ines.status == "unsubscribed"
    prepare_due(now=_utc(2026, 12, 1, 10))
    assert not OutboundEmail.objects.filter(recipient=INES).exists()


def test_campaigns_keep_their_steps_and_people_the_step_they_reached(both) -> None:
    run_import(both)

    cold = Campaign.objects.get(name="Cold: Direct & Human")
    assert (cold.strategy, cold.status, cold.legacy_id) == (
        "cold_direct",
        "active",
        "1818dbaf-db54-468a-aaaa-e4d364a1a7ae",
    )
    assert list(cold.steps.values_list("number", "delay_days")) == [(1, 0), (2, 3), (3, 7)]
    curious = SequenceStep.objects.filter(campaign__name="Curious & Generous")
    assert list(curious.values_list("number", "delay_days")) == [(1, 0), (2, 3)]  # 2 d 12 h
    maria = Enrollment.objects.get(contact__email=MARIA, campaign=cold)
    assert (maria.status, maria.current_step) == ("active", 1)
    assert maria.next_send_at == _utc(2026, 11, 30, 9, 12, 5) + timedelta(days=3)
    assert maria.inbox.address == SENDER
    joao = Enrollment.objects.get(contact__email=JOAO, campaign=cold)
    assert (joao.status, joao.current_step) == ("active", 2)
    assert joao.next_send_at == _utc(2026, 11, 23, 10, 7) + timedelta(days=7)
    assert joao.inbox.address == "ana@jengu-mail.example"
    assert Contact.objects.get(email=MARIA).verification == "valid"  # delivered to, no bounce


def test_a_mailbox_without_an_inbox_becomes_a_disabled_one_to_configure(both) -> None:
    active = InboxFactory(address=SENDER, status=Inbox.Status.ACTIVE)
    output = run_import(both)

    assert Inbox.objects.filter(address=SENDER).count() == 1
    assert Enrollment.objects.get(contact__email=MARIA).inbox_id == active.pk
    carmen = Inbox.objects.get(address="carmen@jengu-mail.example")
    assert (carmen.key, carmen.status, carmen.source) == (
        "legacy-carmen-jengu-mail-example",
        "disabled",
        "admin",
    )
    assert (carmen.smtp_host, carmen.smtp_port, carmen.username) == (
        "smtp.jengu-mail.example",
        465,
        "carmen@jengu-mail.example",
    )
    assert carmen.password == ""  # a password is never taken from an export
    assert str(carmen.warmup_start) == "2026-10-20"  # keeps warming where it was
    assert "legacy-ana-jengu-mail-example <ana@jengu-mail.example>: 1 running sequence" in output
    assert "legacy-carmen-jengu-mail-example <carmen@jengu-mail.example>" in output


def test_threads_move_to_an_inbox_configured_after_the_first_import(both) -> None:
    run_import(both)
    placeholder = Inbox.objects.get(address=SENDER)
    assert placeholder.status == "disabled"
    maria = Enrollment.objects.get(contact__email=MARIA)
    follow_up = email_prepare(enrollment=maria, now=_utc(2026, 12, 1, 10))
    assert follow_up.inbox_id == placeholder.pk  # waits for the disabled inbox
    configured = InboxFactory(address=SENDER, status=Inbox.Status.ACTIVE, key="smtp-1")

    output = run_import(both)

    assert Enrollment.objects.get(contact__email=MARIA).inbox_id == configured.pk
    follow_up.refresh_from_db()
    assert follow_up.inbox_id == configured.pk
    assert "legacy-edd-jengu-mail-example <edd@jengu-mail.example>: 0 running" in output


def _snapshot() -> dict[str, object]:
    models = [Prospect, Contact, Campaign, SequenceStep, Enrollment, Inbox]
    models += [OutboundEmail, InboundMessage, Suppression]
    state = {m.__name__: m.objects.count() for m in models}
    state["enrollments"] = sorted(
        Enrollment.objects.values_list("pk", "status", "current_step", "next_send_at", "inbox")
    )
    state["emails"] = sorted(OutboundEmail.objects.values_list("message_id", "step", "status"))
    return state


def test_importing_again_changes_nothing(both) -> None:
    run_import(both)
    before = _snapshot()

    output = run_import(both)

    assert _snapshot() == before
    assert "sent_emails   skipped 2, unchanged 9" in output
    assert "Conflicts resolved" not in output


def test_json_report_and_dry_run(both) -> None:
    report = json.loads(run_import(both, "--dry-run", "--json"))

    assert report["counts"]["sent_emails"]["created"] == 9
    assert report["counts"]["suppressions"]["created"] == 6
    reasons = {(s["kind"], s["reason"]) for s in report["skipped"]}
    assert ("sent_emails", "not sent by the old system (pending)") in reasons
    assert ("enrollments", "its prospect is not in the export") in reasons
    assert not Prospect.objects.exists() and not OutboundEmail.objects.exists()


def test_a_folder_that_is_not_there_is_an_error(tmp_path) -> None:
    with pytest.raises(CommandError, match="not a folder"):
        run_import(tmp_path / "missing")
    report = import_legacy(tmp_path)
    assert report.warnings == [f"no .sql, .csv, .json or .jsonl file under {tmp_path}"]
