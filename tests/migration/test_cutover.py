"""The cut-over: nobody is written to twice across the switch, and threads continue."""

from __future__ import annotations

from datetime import datetime, timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command

from outreach.models import Enrollment, OutboundEmail, ShadowSend
from outreach.services import email_prepare, enroll, run_send_pass
from prospects.models import Contact
from tests.factories import CampaignFactory
from tests.migration.helpers import (
    D1,
    JOAO,
    MARIA,
    MARIA_STEP1,
    SENDER,
    SOFIA,
    export_copy,
    later_email,
    run_import,
)
from tests.outreach.helpers import LISBON, TUESDAY_10, enrolled, parsed, smtp_inbox

pytestmark = pytest.mark.django_db
THURSDAY = datetime(2026, 12, 3, 10, 0, tzinfo=LISBON)  # step 2 is due at 09:12:05 (3 days)


def test_the_next_email_is_step_2_on_its_delay_from_the_same_mailbox_threaded(
    smtp_server, settings, tmp_path
) -> None:
    # Maria received step 1 from edd@ yesterday (Monday 09:12 UTC) in the old system.
    with time_machine.travel(TUESDAY_10, tick=False) as clock:
        inbox = smtp_inbox(smtp_server, settings, address=SENDER, display_name="Edd")
        run_import(export_copy(tmp_path, D1))
        assert run_send_pass().sent == 0
        clock.move_to(datetime(2026, 12, 3, 9, 12, tzinfo=LISBON))
        assert run_send_pass().sent == 0  # five seconds before the step's delay is over
        clock.move_to(THURSDAY)
        assert run_send_pass().sent == 1

    (message,) = smtp_server.messages
    assert message.rcpt_tos == [MARIA]
    received = parsed(message.raw)
    assert received["From"].addresses[0].addr_spec == SENDER
    assert received["In-Reply-To"] == MARIA_STEP1
    assert received["References"].split() == [MARIA_STEP1]
    assert received["Subject"] == "Re: Quick question about Casa do Alfama"
    email = OutboundEmail.objects.get(recipient=MARIA, step=2)
    assert (email.legacy, email.status, email.inbox_id) == (False, "sent", inbox.pk)
    assert received["Message-ID"] == email.message_id
    assert Enrollment.objects.get(contact__email=MARIA).current_step == 2


def _old_step_2(folder, sent_at: str) -> None:
    """The old system sent Maria's step 2 during the parallel week: the final export has it."""
    dump = folder / "d1" / "jengu-crm.sql"
    text = dump.read_text()
    lead = "1,'active','a','2026-11-30T09:12:05.000Z','2026-12-03T09:12:05.000Z'"
    assert lead in text
    text = text.replace(lead, f"2,'active','a','{sent_at}','2026-12-10T10:30:00.000Z'")
    dump.write_text(
        text
        + later_email(
            id="0e1f2a3b-aaaa-4a5b-8c6d-00000000000a",
            prospect_id="5b0e6f1c-2a41-4f7e-9a43-0d6a1c9e8b01",
            campaign_id="1818dbaf-db54-468a-aaaa-e4d364a1a7ae",
            subject="Following up: Casa do Alfama",
            body="Hi Maria, just bumping this. Edd",
            to_email=MARIA,
            from_email=SENDER,
            message_id="<old-step-2@jengu-mail.example>",
            direction="outbound",
            email_type="follow_up",
            status="sent",
            sent_at=sent_at,
        )
    )


def test_final_import_keeps_the_old_systems_step_and_cancels_jengus(
    smtp_server, settings, tmp_path
) -> None:
    folder = export_copy(tmp_path, D1)
    settings.JENGU = {**settings.JENGU, "SHADOW": True}
    with time_machine.travel(TUESDAY_10, tick=False) as clock:
        smtp_inbox(smtp_server, settings, address=SENDER)
        run_import(folder)
        clock.move_to(THURSDAY)
        run_send_pass()  # shadow: Jengu would have sent step 2 now
        shadowed = ShadowSend.objects.get(recipient=MARIA)
        assert shadowed.step == 2
        # Cut-over: 1. the old crons stop; 2. the final export is imported ...
        _old_step_2(folder, "2026-12-03T10:30:00.000Z")
        clock.move_to(THURSDAY + timedelta(hours=2))
        output = run_import(folder)
        # ... 3. the shadow report is clean; 4. shadow mode is turned off.
        call_command("shadow_report", str(folder), stdout=StringIO())
        settings.JENGU = {**settings.JENGU, "SHADOW": False}
        clock.move_to(THURSDAY + timedelta(days=1))
        assert run_send_pass().sent == 0  # Jengu's step 2 was cancelled: nothing to send
        clock.move_to(THURSDAY + timedelta(days=7, hours=1))  # step 3: 7 days after 10:30
        assert run_send_pass().sent == 1

    step2 = OutboundEmail.objects.get(recipient=MARIA, step=2)
    assert (step2.legacy, step2.status) == (True, "sent")
    assert step2.message_id == "<old-step-2@jengu-mail.example>"
    assert f"{MARIA}: Jengu's queued step 2 in Cold: Direct & Human ({shadowed.message_id})" in (
        output
    )
    assert "cancelled; the old system sent that step on 2026-12-03 10:30" in output
    (message,) = smtp_server.messages  # step 3 only: step 2 was never sent twice
    received = parsed(message.raw)
    assert received["In-Reply-To"] == "<old-step-2@jengu-mail.example>"
    assert received["References"].split() == ["<old-step-2@jengu-mail.example>"]
    assert OutboundEmail.objects.get(recipient=MARIA, step=3).status == "sent"


def test_a_sequence_jengu_started_stops_for_someone_the_old_system_follows_up(tmp_path) -> None:
    with time_machine.travel(TUESDAY_10, tick=False):
        run_import(export_copy(tmp_path / "first", D1))
        campaign = CampaignFactory()
        joao, sofia = (Contact.objects.get(email=e) for e in (JOAO, SOFIA))
        jengus, _ = enroll(contact=joao, campaign=campaign, now=TUESDAY_10)
        queued = email_prepare(enrollment=jengus, now=TUESDAY_10)
        assert queued is not None and queued.status == "queued"
        to_sofia, _ = enroll(contact=sofia, campaign=campaign, now=TUESDAY_10)
        (to_new,) = enrolled(campaign)
        final = export_copy(tmp_path / "final", D1)
        (final / "d1" / "later.sql").write_text(
            later_email(
                id="later-1",
                to_email=to_new.contact.email,
                from_email=SENDER,
                subject="Hello",
                body="...",
                message_id="<old-hello@jengu-mail.example>",
                direction="outbound",
                status="sent",
                sent_at="2026-12-02T09:00:00Z",
            )
        )
        output = run_import(final)

    jengus.refresh_from_db()
    queued.refresh_from_db()
    assert (jengus.status, queued.status) == ("stopped", "cancelled")
    assert f"{JOAO}: Jengu's enrollment in {campaign.name} stopped (1 unsent email(s)" in output
    assert "is followed up in Cold: Direct & Human in the old system" in output
    legacy = Enrollment.objects.get(contact=joao, campaign__name="Cold: Direct & Human")
    assert legacy.status == "active"
    # Sofia replied to the old system: no cold sequence for her in Jengu either.
    to_sofia.refresh_from_db()
    assert to_sofia.status == "stopped"
    assert f"{SOFIA}: Jengu's enrollment in {campaign.name} stopped" in output
    assert "replied to Curious & Generous in the old system" in output
    # The old system wrote to someone after Jengu enrolled them: Jengu's opener is dropped.
    to_new.refresh_from_db()
    assert to_new.status == "stopped"
    assert "was written to after Jengu enrolled them" in output


def test_a_lead_past_its_last_exported_email_is_paused_not_sent_again(tmp_path) -> None:
    folder = export_copy(tmp_path, D1)
    with time_machine.travel(THURSDAY, tick=False):
        run_import(folder)
        maria = Enrollment.objects.get(contact__email=MARIA)
        queued = email_prepare(enrollment=maria, now=THURSDAY)
        assert (queued.step, queued.status) == (2, "queued")
        # The old system says it sent step 2, but its email is not in the export.
        dump = folder / "d1" / "jengu-crm.sql"
        lead = "'5b0e6f1c-2a41-4f7e-9a43-0d6a1c9e8b01','edd@jengu-mail.example',1,'active'"
        assert lead in dump.read_text()
        dump.write_text(dump.read_text().replace(lead, lead.replace(",1,", ",2,")))
        output = run_import(folder)

    maria.refresh_from_db()
    queued.refresh_from_db()
    assert (maria.status, maria.current_step) == ("paused", 2)
    assert "the email of step 2 is not in the export" in maria.stopped_reason
    assert queued.status == "cancelled"  # never sent twice, even if someone resumes it
    assert f"{MARIA}: Jengu's queued step 2 in Cold: Direct & Human cancelled" in output
