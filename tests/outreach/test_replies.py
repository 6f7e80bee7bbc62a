"""The unified inbox's services: read, snooze, meeting booked, intent correction (stage and
labels), and the answer through the send ledger to a real SMTP server."""

from __future__ import annotations

import json
from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command

from compliance.services import suppression_add
from core.errors import Conflict, Unprocessable
from inboxes.models import InboxDay
from outreach import tasks
from outreach.models import Enrollment, OutboundEmail
from outreach.services import replies, replies_answer, run_send_pass
from prospects.models import Prospect
from tests.outreach.helpers import TUESDAY_10, parsed
from tests.outreach.replies_world import sent_and_replied

pytestmark = pytest.mark.django_db
LATER = TUESDAY_10 + timedelta(hours=2)


def test_a_stored_reply_is_unread_in_the_inbox_and_reading_it_takes_it_out(
    smtp_server, settings
) -> None:
    t = sent_and_replied(smtp_server, settings)
    assert t.reply.intent == "interested" and t.reply.read_at is None
    assert list(replies.replies_queryset(unread=True)) == [t.reply]
    assert list(replies.replies_queryset(needs_human=True)) == [t.reply]
    replies.reply_mark_read(reply_id=t.reply.pk)
    assert not replies.replies_queryset(unread=True).exists()
    replies.reply_mark_read(reply_id=t.reply.pk, read=False)
    assert replies.unread_count() == 1


def test_a_snoozed_reply_leaves_the_unread_list_until_its_date(smtp_server, settings) -> None:
    t = sent_and_replied(smtp_server, settings)
    with time_machine.travel(LATER, tick=False):
        replies.reply_snooze(reply_id=t.reply.pk, until=LATER + timedelta(days=1))
        assert replies.unread_count() == 0
        with pytest.raises(Unprocessable):
            replies.reply_snooze(reply_id=t.reply.pk, until=LATER - timedelta(minutes=1))
    with time_machine.travel(LATER + timedelta(days=1, minutes=1), tick=False):
        assert replies.unread_count() == 1


def test_correcting_the_intent_moves_the_stage_and_becomes_a_label(smtp_server, settings) -> None:
    t = sent_and_replied(smtp_server, settings)
    prospect = Prospect.objects.get(pk=t.reply.prospect_id)
    assert prospect.stage == Prospect.Stage.ENGAGED  # the classifier said "interested"
    replies.reply_correct_intent(reply_id=t.reply.pk, intent="meeting_request", actor="ana")
    prospect.refresh_from_db()
    assert prospect.stage == Prospect.Stage.MEETING
    assert prospect.events.filter(kind="stage", message__contains="meeting_request").exists()
    replies.reply_correct_intent(reply_id=t.reply.pk, intent="not_interested", actor="ana")
    prospect.refresh_from_db()
    assert prospect.stage == Prospect.Stage.LOST
    (label,) = replies.reply_labels()
    assert (label["intent"], label["predicted"], label["corrected_by"]) == (
        "not_interested",
        "interested",
        "ana",
    )
    out = StringIO()
    call_command("export_reply_labels", stdout=out)
    (line,) = out.getvalue().splitlines()
    assert json.loads(line)["intent"] == "not_interested"
    assert "sounds interesting" in json.loads(line)["body"]


def test_meeting_booked_moves_the_prospect_to_meeting(smtp_server, settings) -> None:
    t = sent_and_replied(smtp_server, settings)
    reply = replies.reply_mark_meeting_booked(reply_id=t.reply.pk)
    assert reply.meeting_booked_at is not None
    assert Prospect.objects.get(pk=reply.prospect_id).stage == Prospect.Stage.MEETING


def _answer(t, body: str = "Thank you! Would Tuesday at 10:00 suit you?") -> OutboundEmail:
    with time_machine.travel(LATER, tick=False):
        return replies_answer.reply_answer(reply_id=t.reply.pk, body=body, actor="ana")


def test_the_answer_reaches_the_prospect_threaded_from_the_same_inbox(
    smtp_server, settings, django_capture_on_commit_callbacks
) -> None:
    t = sent_and_replied(smtp_server, settings)
    with django_capture_on_commit_callbacks(execute=False) as enqueued:
        email = _answer(t)
    assert len(enqueued) == 1  # the send task, enqueued once the row is committed
    assert (email.status, email.inbox_id, email.strategy) == ("queued", t.inbox.pk, "answer")
    with time_machine.travel(LATER, tick=False):
        assert tasks.send_answer(email.pk) == "sent"
    assert len(smtp_server.messages) == 2
    ours = parsed(smtp_server.messages[1].raw)
    assert ours["Subject"] == f"Re: {t.first.subject}"
    assert ours["In-Reply-To"] == "<r1@hotel.example>"
    assert ours["References"].split() == [t.first.message_id, "<r1@hotel.example>"]
    assert ours["From"].addresses[0].addr_spec == t.inbox.address
    assert ours["To"].addresses[0].addr_spec == t.first.recipient
    assert "Tuesday at 10:00" in ours.get_body().get_content()
    assert ours["Message-ID"].rstrip(">").endswith("@sender.example")
    email.refresh_from_db()
    assert email.status == "sent" and email.sent_at is not None
    # the sequence stays stopped by the reply: the answer is no step of it
    assert Enrollment.objects.get(pk=t.enrollment.pk).status == Enrollment.Status.REPLIED
    assert replies.reply_get(t.reply.pk).read_at is not None


def test_the_answer_goes_out_once_and_counts_toward_warmup(smtp_server, settings) -> None:
    t = sent_and_replied(smtp_server, settings)
    email = _answer(t)
    with time_machine.travel(LATER, tick=False):
        assert tasks.send_answer(email.pk) == "sent"
        assert tasks.send_answer(email.pk) == "already sent"  # a redelivered task
        assert replies_answer.answers_send_due(now=LATER) == {}
        assert run_send_pass().sent == 0
    assert len(smtp_server.messages) == 2
    day = InboxDay.objects.get(inbox=t.inbox)
    assert (day.sent, day.reserved) == (2, 0)  # step 1 and the answer


def test_an_answer_waits_when_the_warmup_day_is_full_and_the_next_pass_sends_it(
    smtp_server, settings
) -> None:
    t = sent_and_replied(smtp_server, settings)
    t.inbox.warmup_start = TUESDAY_10.date()  # day 1 of warmup
    t.inbox.save()
    day = InboxDay.objects.get(inbox=t.inbox)
    InboxDay.objects.filter(pk=day.pk).update(sent=1000)
    email = _answer(t)
    with time_machine.travel(LATER, tick=False):
        assert tasks.send_answer(email.pk) == "warmup limit reached"
    assert OutboundEmail.objects.get(pk=email.pk).status == "queued"
    InboxDay.objects.filter(pk=day.pk).update(sent=1)
    with time_machine.travel(LATER, tick=False):
        assert tasks.send_due(count=0).startswith("sent 0")
    assert OutboundEmail.objects.get(pk=email.pk).status == "sent"
    assert len(smtp_server.messages) == 2


def test_a_suppressed_address_gets_no_answer(smtp_server, settings) -> None:
    t = sent_and_replied(smtp_server, settings)
    email = _answer(t)
    suppression_add(email=t.first.recipient, reason="manual", source="test")
    with time_machine.travel(LATER, tick=False):
        assert tasks.send_answer(email.pk) == "suppressed"
    assert OutboundEmail.objects.get(pk=email.pk).status == "cancelled"
    with pytest.raises(Conflict) as refused:
        _answer(t)
    assert refused.value.code == "suppressed"
    assert len(smtp_server.messages) == 1


def test_the_suggested_answer_starts_from_the_reply(smtp_server, settings) -> None:
    t = sent_and_replied(smtp_server, settings)
    draft = replies_answer.reply_suggest_answer(reply_id=t.reply.pk)
    assert draft.provider == "offline"
    assert draft.subject == f"Re: {t.first.subject}"
    assert "call" in draft.body and t.enrollment.prospect.name in draft.body


def test_the_thread_holds_both_sides_in_order_with_the_quote_apart(smtp_server, settings) -> None:
    from outreach.services.replies_thread import reply_thread

    t = sent_and_replied(smtp_server, settings)
    email = _answer(t)
    with time_machine.travel(LATER, tick=False):
        tasks.send_answer(email.pk)
    entries = reply_thread(t.reply)
    assert [(e.direction, e.label) for e in entries] == [
        ("outbound", "Step 1"),
        ("inbound", "Reply"),
        ("outbound", "Answer"),
    ]
    assert entries[1].text.startswith("This sounds interesting")
    assert entries[1].quoted.startswith("On Tue, 1 Dec 2026, Jengu wrote:")
    assert "wrote:" not in entries[1].text


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_four_workers_sending_one_answer_at_once_send_it_once(smtp_server, settings) -> None:
    from tests.prospects.test_races import in_threads

    t = sent_and_replied(smtp_server, settings)
    email = _answer(t)
    with time_machine.travel(LATER, tick=False):
        outcomes = in_threads(
            4, lambda _i: replies_answer.answer_send(email_id=email.pk, now=LATER)
        )
    assert sorted(map(str, outcomes)).count("sent") == 1, outcomes
    assert all(o == "sent" or o.startswith("already ") for o in outcomes), outcomes
    assert len(smtp_server.messages) == 2
    day = InboxDay.objects.get(inbox=t.inbox)
    assert (day.sent, day.reserved) == (2, 0)
