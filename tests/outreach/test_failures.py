"""Send-time failures: retry with backoff, hard bounces, suppression, the emergency stop."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from compliance.models import Suppression
from core.models import DeadLetter
from inboxes.models import Inbox, InboxDay
from outreach.models import Enrollment, OutboundEmail
from outreach.services import run_send_pass, suppress
from outreach.services.messages import HeaderInjection, build_message
from prospects.models import Contact
from tests.outreach.helpers import TUESDAY_10, enrolled, smtp_inbox

pytestmark = pytest.mark.django_db


def test_a_4xx_is_retried_later_and_then_delivered_once(smtp_server, settings) -> None:
    smtp_server.fail_next("rcpt", "450 4.2.1 Mailbox busy, try again later")
    with time_machine.travel(TUESDAY_10, tick=False) as clock:
        inbox = smtp_inbox(smtp_server, settings)
        enrolled()
        report = run_send_pass()
        assert report.outcomes == {"retry": 1}
        email = OutboundEmail.objects.get()
        assert (email.status, email.attempts) == ("queued", 1)
        assert email.send_after > TUESDAY_10
        day = InboxDay.objects.get(inbox=inbox)
        assert (day.reserved, day.sent) == (0, 0)  # the slot came back
        assert run_send_pass().sent == 0  # not before its backoff
        clock.move_to(email.send_after + timedelta(seconds=1))
        assert run_send_pass().sent == 1
    assert len(smtp_server.messages) == 1
    assert OutboundEmail.objects.get().status == "sent"


def test_a_5xx_user_unknown_bounces_and_suppresses(smtp_server, settings) -> None:
    with time_machine.travel(TUESDAY_10, tick=False):
        inbox = smtp_inbox(smtp_server, settings)
        (enrollment,) = enrolled()
        address = enrollment.contact.email
        smtp_server.fail_recipient(
            address,
            f"550 5.1.1 <{address}>: Recipient address rejected: User "
            "unknown in virtual mailbox table",
        )
        report = run_send_pass()
    assert report.outcomes == {"bounced": 1} and report.failed == 1
    assert smtp_server.messages == []
    email = OutboundEmail.objects.get()
    assert (email.status, email.bounce_reason) == ("bounced", "user_unknown")
    assert Suppression.objects.get(email=address).reason == "bounce"
    assert Contact.objects.get(email=address).verification == "invalid"
    assert Enrollment.objects.get().status == "bounced"
    day = InboxDay.objects.get(inbox=inbox)
    assert (day.sent, day.bounced, day.reserved) == (1, 1, 0)


def test_a_4xx_user_unknown_is_still_a_bad_address(smtp_server, settings) -> None:
    with time_machine.travel(TUESDAY_10, tick=False):
        smtp_inbox(smtp_server, settings)
        (enrollment,) = enrolled()
        smtp_server.fail_recipient(enrollment.contact.email, "450 4.1.1 User unknown")
        run_send_pass()
    assert OutboundEmail.objects.get().status == "bounced"
    assert Suppression.objects.filter(email=enrollment.contact.email).exists()


def test_a_sender_block_leaves_the_recipient_alone_and_counts_on_the_inbox(
    smtp_server, settings
) -> None:
    with time_machine.travel(TUESDAY_10, tick=False):
        inbox = smtp_inbox(smtp_server, settings)
        (enrollment,) = enrolled()
        smtp_server.fail_next(
            "rcpt",
            "554 5.7.1 Service unavailable; Client host [203.0.113.9] "
            "blocked using zen.spamhaus.org",
        )
        run_send_pass()
    email = OutboundEmail.objects.get()
    assert email.status == "queued" and email.send_after >= TUESDAY_10 + timedelta(hours=6)
    assert not Suppression.objects.exists()
    assert Contact.objects.get(pk=enrollment.contact_id).verification == "valid"
    day = InboxDay.objects.get(inbox=inbox)
    assert (day.bounced, day.sender_problems) == (1, 1)


def test_a_suppressed_address_is_never_sent_to(smtp_server, settings) -> None:
    with time_machine.travel(TUESDAY_10, tick=False):
        smtp_inbox(smtp_server, settings)
        first, second = enrolled(n=2)
        suppress(email=first.contact.email.upper(), reason="manual")
        run_send_pass()  # queues and sends the second only
        assert [m.rcpt_tos for m in smtp_server.messages] == [[second.contact.email]]
        # suppressed after it was queued: caught again at claim time
        (third,) = enrolled()
        from outreach.services import email_prepare

        email_prepare(enrollment=third, now=TUESDAY_10)
        suppress(domain=third.contact.email.split("@")[1], reason="manual")
        run_send_pass()
    assert len(smtp_server.messages) == 1
    assert Enrollment.objects.get(pk=first.pk).status == "stopped"  # manual suppression
    assert OutboundEmail.objects.get(enrollment=third).status == "cancelled"


def test_the_emergency_stop_halts_sending(smtp_server, settings, api) -> None:
    with time_machine.travel(TUESDAY_10, tick=False):
        smtp_inbox(smtp_server, settings)
        enrolled(n=2)
        assert api.get("/api/admin/emergency-stop").json() == {"active": False}
        assert (
            api.post("/api/admin/emergency-stop", {"active": True}, format="json").json()["active"]
            is True
        )
        assert run_send_pass().sent == 0
        assert smtp_server.messages == []
        api.post("/api/admin/emergency-stop/", {"active": False}, format="json")
        assert run_send_pass().sent == 2


def test_header_injection_is_rejected_and_nothing_is_sent(smtp_server, settings) -> None:
    with pytest.raises(HeaderInjection):
        build_message(
            from_name="A",
            from_address="a@x.example",
            to_name="B",
            to_address="b@y.example",
            subject="Hi\r\nBcc: victim@z.example",
            text="x",
            message_id="<1@x.example>",
            date=TUESDAY_10,
        )
    with time_machine.travel(TUESDAY_10, tick=False):
        inbox = smtp_inbox(smtp_server, settings)
        enrolled()
        from outreach.services import prepare_due

        prepare_due(now=TUESDAY_10)
        OutboundEmail.objects.update(subject="Hello\nBcc: victim@z.example")
        run_send_pass()
    assert smtp_server.messages == []
    assert OutboundEmail.objects.get().status == "failed"
    assert DeadLetter.objects.get().kind == "send"
    assert InboxDay.objects.get(inbox=inbox).reserved == 0


def test_a_wrong_password_pauses_the_inbox_and_keeps_the_email(smtp_server, settings) -> None:
    with time_machine.travel(TUESDAY_10, tick=False):
        inbox = smtp_inbox(smtp_server, settings, password="wrong")
        enrolled()
        assert run_send_pass().outcomes == {"auth_failed": 1}
    inbox.refresh_from_db()
    assert inbox.status == Inbox.Status.PAUSED and "Authentication" in inbox.pause_reason
    email = OutboundEmail.objects.get()
    assert (email.status, email.attempts) == ("queued", 0)
