"""Expired leases: found in Sent -> sent; otherwise a dead letter the operator resolves."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from core.models import DeadLetter
from inboxes.clients import transport_for
from inboxes.models import InboxDay
from outreach.models import OutboundEmail
from outreach.services import claim_next, prepare_due, reconcile_expired, resolve_delivery_unknown
from outreach.services.sendpass import render
from tests.factories import InboxFactory
from tests.outreach.helpers import TUESDAY_10, enrolled

pytestmark = pytest.mark.django_db


def _claimed(n: int = 1):
    inbox = InboxFactory()  # Maildir: its Sent folder is on disk
    enrolled(n=n)
    prepare_due(now=TUESDAY_10)
    claims = [claim_next(inbox_id=inbox.pk, now=TUESDAY_10) for _ in range(n)]
    return inbox, claims


def test_a_dead_sender_whose_mail_is_in_sent_counts_as_sent() -> None:
    with time_machine.travel(TUESDAY_10, tick=False) as clock:
        inbox, (claim,) = _claimed()
        email = OutboundEmail.objects.get(pk=claim.email_id)
        transport_for(inbox).send(
            raw=render(email, inbox, TUESDAY_10),
            mail_from=inbox.address,
            recipients=[email.recipient],
        )  # ...and then the process died
        clock.move_to(TUESDAY_10 + timedelta(minutes=6))
        assert reconcile_expired() == {"expired": 1, "found_in_sent": 1}
    email.refresh_from_db()
    assert email.status == "sent"
    assert InboxDay.objects.get(inbox=inbox).sent == 1
    assert not DeadLetter.objects.exists()


def test_a_dead_sender_with_nothing_in_sent_becomes_a_dead_letter_once() -> None:
    with time_machine.travel(TUESDAY_10, tick=False) as clock:
        _, (claim,) = _claimed()
        clock.move_to(TUESDAY_10 + timedelta(minutes=6))
        reconcile_expired()
        reconcile_expired()
    assert OutboundEmail.objects.get(pk=claim.email_id).status == "unknown"
    letter = DeadLetter.objects.get()
    assert letter.kind == "delivery_unknown" and letter.payload["email"] == claim.email_id


def test_the_operator_assumes_delivered_or_sends_again() -> None:
    with time_machine.travel(TUESDAY_10, tick=False) as clock:
        inbox, (a, b) = _claimed(n=2)
        clock.move_to(TUESDAY_10 + timedelta(minutes=6))
        reconcile_expired()
        letters = {DeadLetter.objects.get(payload__email=c.email_id).pk: c for c in (a, b)}
        first, second = letters
        resolve_delivery_unknown(letter_id=first, assume_delivered=True, actor="op")
        resolve_delivery_unknown(letter_id=second, assume_delivered=False, actor="op")
    assert OutboundEmail.objects.get(pk=a.email_id).status == "sent"
    assert OutboundEmail.objects.get(pk=b.email_id).status == "queued"
    assert set(DeadLetter.objects.values_list("resolution", flat=True)) == {
        "assumed_delivered",
        "sent_again",
    }
    day = InboxDay.objects.get(inbox=inbox)
    assert (day.sent, day.reserved) == (1, 0)


def test_a_late_settle_after_send_again_is_refused() -> None:
    from inboxes.clients.base import SendResult
    from outreach.services import settle

    with time_machine.travel(TUESDAY_10, tick=False) as clock:
        _, (claim,) = _claimed()
        clock.move_to(TUESDAY_10 + timedelta(minutes=6))
        reconcile_expired()
        letter = DeadLetter.objects.get()
        resolve_delivery_unknown(letter_id=letter.pk, assume_delivered=False)
        outcome = settle(
            email_id=claim.email_id,
            token=claim.token,
            now=TUESDAY_10,
            result=SendResult("accepted"),
        )
    assert outcome == "lost"
    assert OutboundEmail.objects.get(pk=claim.email_id).status == "queued"


def test_one_failing_lookup_does_not_stop_the_others(monkeypatch: pytest.MonkeyPatch) -> None:
    from inboxes.clients.maildir import MaildirTransport

    with time_machine.travel(TUESDAY_10, tick=False) as clock:
        _, claims = _claimed(n=2)
        first = OutboundEmail.objects.get(pk=claims[0].email_id)
        original = MaildirTransport.find_sent

        def flaky(self: MaildirTransport, message_id: str) -> bool | None:
            if message_id == first.message_id:
                raise RuntimeError("the mailbox answered something nobody expected")
            return original(self, message_id)

        monkeypatch.setattr(MaildirTransport, "find_sent", flaky)
        clock.move_to(TUESDAY_10 + timedelta(minutes=6))
        assert reconcile_expired() == {"expired": 2, "error": 1, "dead_letter": 1}
    assert OutboundEmail.objects.get(pk=first.pk).status == "unknown"  # asked again next run
    assert DeadLetter.objects.get().payload["email"] == claims[1].email_id
