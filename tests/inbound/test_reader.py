"""Reading replies from a real Dovecot: matching, kinds, stop-on-reply, stages, idempotency."""

from __future__ import annotations

from datetime import date

import pytest

from compliance.models import Suppression
from inboxes.models import Inbox, InboxDay
from outreach.models import Enrollment, InboundMessage, OutboundEmail
from prospects.models import Contact, Prospect
from tests.inbound import messages as m

pytestmark = pytest.mark.django_db


def _deliver(world, raw: bytes) -> None:
    world.imap.append(world.user.name, raw)


def _reply(world, enrollment, body: str, **extra: str):
    """Deliver a plain reply threaded to the email we sent this enrollment's contact."""
    return world.reply(enrollment, body, **extra)


def _check(world) -> dict:
    return world.check()


def test_a_threaded_meeting_request_stops_the_company_and_moves_the_stage(world) -> None:
    ours = _reply(world, world.a, "Sounds good - can we set up a call on Thursday at 3pm?")
    assert _check(world)["stored"] == 1
    msg = InboundMessage.objects.get()
    assert (msg.kind, msg.match, msg.matched_outbound_id) == ("reply", "in_reply_to", ours.pk)
    assert msg.intent == "meeting_request"
    assert Prospect.objects.get(pk=world.a.prospect_id).stage == "meeting"
    # every contact at that company stops, the other company carries on
    assert Enrollment.objects.get(pk=world.a.pk).status == "replied"
    assert Enrollment.objects.get(pk=world.colleague.pk).status == "replied"
    assert Enrollment.objects.get(pk=world.b.pk).status == "active"
    assert msg.raw.read().startswith(b"From: ")


def test_a_reply_without_thread_headers_is_matched_by_its_sender(world) -> None:
    ours = world.sent[world.b.contact_id]
    _deliver(
        world,
        m.plain_reply(
            frm=ours.recipient.upper(),
            to=world.inbox.address,
            subject="your email",
            body="Interested - what does it cost?",
        ),
    )
    _check(world)
    msg = InboundMessage.objects.get()
    assert (msg.match, msg.prospect_id) == ("sender", world.b.prospect_id)
    assert Prospect.objects.get(pk=world.b.prospect_id).stage == "engaged"


def test_gmail_and_outlook_replies_match_through_their_headers(world) -> None:
    a, b = world.sent[world.a.contact_id], world.sent[world.b.contact_id]
    _deliver(
        world,
        m.gmail_reply(
            frm=a.recipient,
            to=world.inbox.address,
            subject=a.subject,
            ours=a.message_id,
            body="Not interested, thanks.",
        ),
    )
    _deliver(
        world,
        m.outlook_reply(
            frm=b.recipient,
            to=world.inbox.address,
            subject=b.subject,
            ours=b.message_id,
            body="Bitte schicken Sie mir weitere Informationen.",
        ),
    )
    _check(world)
    by_prospect = {i.prospect_id: i for i in InboundMessage.objects.all()}
    assert by_prospect[world.a.prospect_id].intent == "not_interested"
    assert Prospect.objects.get(pk=world.a.prospect_id).stage == "lost"
    assert by_prospect[world.b.prospect_id].match == "in_reply_to"
    assert by_prospect[world.b.prospect_id].intent in ("needs_info", "interested")


@pytest.mark.parametrize("dsn", [m.postfix_dsn, m.exchange_dsn])
def test_a_hard_bounce_dsn_suppresses_and_counts_on_the_inbox(world, dsn) -> None:
    ours = world.sent[world.b.contact_id]
    _deliver(world, dsn(to=world.inbox.address, rcpt=ours.recipient, ours=ours.message_id))
    _check(world)
    msg = InboundMessage.objects.get()
    assert (msg.kind, msg.match, msg.bounce_consequence) == ("bounce", "bounce", "address_bad")
    assert Suppression.objects.get(email=ours.recipient).reason == "bounce"
    assert Contact.objects.get(pk=ours.contact_id).verification == "invalid"
    assert OutboundEmail.objects.get(pk=ours.pk).status == "bounced"
    assert Enrollment.objects.get(pk=world.b.pk).status == "bounced"
    assert InboxDay.objects.get(inbox=world.inbox).bounced == 1


def test_an_out_of_office_moves_the_next_step_past_the_return_date(world) -> None:
    ours = world.sent[world.b.contact_id]
    _deliver(
        world,
        m.out_of_office(
            frm=ours.recipient, to=world.inbox.address, subject=ours.subject, ours=ours.message_id
        ),
    )
    _check(world)
    msg = InboundMessage.objects.get()
    assert (msg.kind, msg.intent) == ("auto_reply", "out_of_office")
    enrollment = Enrollment.objects.get(pk=world.b.pk)
    assert enrollment.status == "active"
    assert enrollment.next_send_at.date() > date(2026, 12, 14)


def test_an_unsubscribe_request_suppresses_the_sender(world) -> None:
    ours = _reply(world, world.b, "Unsubscribe")
    _check(world)
    assert Suppression.objects.get(email=ours.recipient).reason == "opt_out_reply"
    assert Enrollment.objects.get(pk=world.b.pk).status in ("unsubscribed", "replied")


def test_a_malformed_message_is_stored_flagged_and_does_not_stop_the_reader(world) -> None:
    world.sent[world.b.contact_id]
    _deliver(world, m.MALFORMED)
    _reply(world, world.b, "Yes, interested. Send me details please.")
    result = _check(world)
    assert result["stored"] == 2 and "error" not in result
    bad = InboundMessage.objects.get(message_id="<malformed-1@hotel.example>")
    assert bad.flags and bad.raw.read() == m.MALFORMED
    assert InboundMessage.objects.exclude(pk=bad.pk).get().match == "in_reply_to"


def test_only_new_messages_are_read_and_a_uidvalidity_change_reads_nothing_twice(world) -> None:
    world.sent[world.b.contact_id]

    def reply(n: int) -> None:
        _reply(world, world.b, f"Question {n}: price?", msgid=f"<q{n}@hotel.example>")

    reply(1)
    assert _check(world)["fetched"] == 1
    assert _check(world)["fetched"] == 0
    reply(2)
    assert _check(world)["fetched"] == 1
    world.imap.reset_uidvalidity(world.user.name)
    again = _check(world)
    assert again["uidvalidity_reset"] is True and again["fetched"] == 2 and again["stored"] == 0
    assert InboundMessage.objects.count() == 2
    inbox = Inbox.objects.get(pk=world.inbox.pk)
    assert inbox.imap_uidvalidity == world.imap.uidvalidity(world.user.name)


def test_a_failing_server_backs_off_without_losing_the_cursor(world) -> None:
    Inbox.objects.filter(pk=world.inbox.pk).update(password="wrong-password")
    result = _check(world)
    assert "error" in result
    inbox = Inbox.objects.get(pk=world.inbox.pk)
    assert inbox.reader_failures == 1 and inbox.reader_retry_at is not None
    assert _check(world)["skipped"]  # backing off, not hammering the server


def test_a_delegation_records_the_new_contact(world) -> None:
    ours = _reply(
        world,
        world.b,
        "I'm not the right person for this. Please contact my colleague Maria Silva, our "
        "revenue manager, at maria.silva@revenue-team.example - she handles these topics.",
    )
    _check(world)
    msg = InboundMessage.objects.get()
    assert msg.intent == "delegation"
    new = Contact.objects.get(email="maria.silva@revenue-team.example")
    assert new.prospect_id == ours.prospect_id and new.source == "delegation"


def test_a_refusal_that_asks_to_stop_is_lost_and_suppressed(world) -> None:
    ours = _reply(world, world.b, "Not interested. Please stop emailing me.")
    _check(world)
    assert Prospect.objects.get(pk=world.b.prospect_id).stage == "lost"
    assert Suppression.objects.get(email=ours.recipient).reason == "opt_out_reply"


def test_a_polite_refusal_is_lost_but_not_suppressed(world) -> None:
    ours = _reply(world, world.a, "Thanks, but we are not interested at the moment.")
    _check(world)
    assert Prospect.objects.get(pk=world.a.prospect_id).stage == "lost"
    assert not Suppression.objects.filter(email=ours.recipient).exists()
