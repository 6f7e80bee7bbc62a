"""A real sequence through a real SMTP server: threading, stickiness, unsubscribe headers."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from core.models import AuditLog
from inboxes.models import InboxDay
from outreach import transitions
from outreach.models import Enrollment, OutboundEmail
from outreach.services import run_send_pass
from tests.factories import CampaignFactory, EnrollmentFactory, InboxFactory
from tests.outreach.helpers import TUESDAY_10, enrolled, header_line, parsed, smtp_inbox

pytestmark = pytest.mark.django_db


def test_three_steps_to_three_prospects_arrive_threaded(smtp_server, settings) -> None:
    with time_machine.travel(TUESDAY_10, tick=False) as clock:
        inboxes = [
            smtp_inbox(smtp_server, settings, address=f"sales{i}@sender.example") for i in range(2)
        ]
        campaign = CampaignFactory(steps=[0, 3, 7])
        enrolled(campaign, n=3)
        assert run_send_pass().sent == 3
        clock.move_to(TUESDAY_10 + timedelta(days=3))  # Friday
        assert run_send_pass().sent == 3
        clock.move_to(TUESDAY_10 + timedelta(days=10))  # the Friday after
        assert run_send_pass().sent == 3

    by_recipient: dict[str, list] = {}
    for message in smtp_server.messages:
        by_recipient.setdefault(message.rcpt_tos[0], []).append(message)
    assert len(by_recipient) == 3
    for thread in by_recipient.values():
        first, second, third = (parsed(m.raw) for m in thread)
        assert second["Subject"] == third["Subject"] == f"Re: {first['Subject']}"
        assert second["In-Reply-To"] == first["Message-ID"]
        assert third["In-Reply-To"] == second["Message-ID"]
        assert third["References"].split() == [first["Message-ID"], second["Message-ID"]]
        assert first["From"] == second["From"] == third["From"]  # sticky sender
        sender_domain = first["From"].addresses[0].domain
        assert all(
            p["Message-ID"].rstrip(">").endswith("@" + sender_domain)
            for p in (first, second, third)
        )
    assert {m.parsed["From"].addresses[0].addr_spec for m in smtp_server.messages} <= {
        i.address for i in inboxes
    }
    assert set(Enrollment.objects.values_list("status", flat=True)) == {"completed"}


def test_list_unsubscribe_is_one_unencoded_line(smtp_server, settings) -> None:
    settings.PUBLIC_BASE_URL = "https://crm.jengu.example"
    with time_machine.travel(TUESDAY_10, tick=False):
        smtp_inbox(smtp_server, settings)
        enrolled()
        run_send_pass()
    raw = smtp_server.messages[0].raw
    line = header_line(raw, "List-Unsubscribe")
    assert "\r\n" not in line and "=?" not in line
    assert line.startswith("List-Unsubscribe: <https://crm.jengu.example/u/")
    assert ", <mailto:outreach@sender.example?subject=unsubscribe>" in line
    assert header_line(raw, "List-Unsubscribe-Post") == (
        "List-Unsubscribe-Post: List-Unsubscribe=One-Click"
    )
    assert parsed(raw).get_content_type() == "text/plain"


def test_sent_email_settles_the_ledger_and_the_warmup_day(smtp_server, settings) -> None:
    with time_machine.travel(TUESDAY_10, tick=False):
        inbox = smtp_inbox(smtp_server, settings)
        (enrollment,) = enrolled()
        run_send_pass()
    email = OutboundEmail.objects.get()
    assert (email.status, email.attempts, email.inbox_id) == ("sent", 1, inbox.pk)
    assert email.raw.read() == smtp_server.messages[0].raw
    day = InboxDay.objects.get(inbox=inbox)
    assert (day.reserved, day.sent) == (0, 1)
    enrollment.refresh_from_db()
    assert (enrollment.current_step, enrollment.inbox_id) == (1, inbox.pk)
    assert enrollment.prospect.__class__.objects.get(pk=enrollment.prospect_id).stage == "contacted"


def test_follow_up_waits_for_the_step_delay(smtp_server, settings) -> None:
    with time_machine.travel(TUESDAY_10, tick=False) as clock:
        smtp_inbox(smtp_server, settings)
        enrolled(CampaignFactory(steps=[0, 3]))
        run_send_pass()
        clock.move_to(TUESDAY_10 + timedelta(days=2, hours=23))
        assert run_send_pass().sent == 0
        clock.move_to(TUESDAY_10 + timedelta(days=3))
        assert run_send_pass().sent == 1
    assert len(smtp_server.messages) == 2


def test_a_timed_pass_waits_out_the_gap_then_stops_when_nothing_is_left(
    smtp_server, settings
) -> None:
    import time

    settings.JENGU = {
        **settings.JENGU,
        "SEND_HOURS": "0-24",
        "SEND_DAYS": "mon-sun",
        "SEND_GAP_SECONDS": "0.3-0.3",
    }
    smtp_inbox(smtp_server, settings)
    enrolled(n=2, now=timezone.now())
    started = time.monotonic()
    report = run_send_pass(max_seconds=60)
    elapsed = time.monotonic() - started
    assert report.sent == 2  # the second waited for the inbox's gap
    assert elapsed < 30  # and the pass did not idle through its whole budget


def test_the_admin_stops_sequences_through_the_service(admin_client, admin_user) -> None:
    enrollment = EnrollmentFactory()
    email = OutboundEmail.objects.create(
        enrollment=enrollment,
        step=1,
        prospect=enrollment.prospect,
        contact=enrollment.contact,
        recipient=enrollment.contact.email,
        message_id="<stop-me@jengu.test>",
        status=transitions.QUEUED,
        send_after=timezone.now(),
        inbox=InboxFactory(),
    )
    page = admin_client.get(f"/admin/outreach/enrollment/{enrollment.pk}/change/")
    assert 'name="status"' not in page.content.decode()  # read-only: only the action stops it

    response = admin_client.post(
        "/admin/outreach/enrollment/",
        {"action": "stop_sequences", "_selected_action": [enrollment.pk]},
        follow=True,
    )
    assert "Stopped 1 sequence(s)." in response.content.decode()
    enrollment.refresh_from_db()
    email.refresh_from_db()
    assert (enrollment.status, email.status) == ("stopped", "cancelled")
    assert AuditLog.objects.get(action="sequence_stopped").actor == admin_user


def test_a_gap_that_ends_during_a_round_is_not_mistaken_for_no_gap() -> None:
    # Under load a round can outlast an inbox's gap: the round asked the inbox while it was
    # still waiting, and by the time the pass looks for the next gap it has ended. The pass
    # must try again at once, not conclude that nothing more can go out.
    from outreach.services.sendpass import _next_gap

    now = timezone.now()
    inbox = InboxFactory(next_send_at=now - timedelta(milliseconds=100))
    assert _next_gap([inbox.pk], since=now - timedelta(seconds=1)) == 0.0
    assert _next_gap([inbox.pk], since=now) is None  # ended before the round: nothing waits
