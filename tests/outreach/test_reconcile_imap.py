"""Expired leases reconciled against a real Dovecot over IMAP (test_reconcile.py: Maildir).

The sender died mid-send: one email reached the provider, which filed it in the account's Sent
folder; the other never left. After the lease the first counts as sent, the second goes to the
operator. The Sent folder is found by its SPECIAL-USE flag (RFC 6154) or by the inbox's
configured name, also a non-ASCII one (IMAP's modified UTF-7 on the wire, RFC 3501 5.1.3).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import time_machine

from core.models import DeadLetter
from inboxes.clients import transport_for
from inboxes.models import Inbox, InboxDay
from outreach.models import OutboundEmail
from outreach.services import claim_next, prepare_due, reconcile_expired
from outreach.services.ledger import Claim
from outreach.services.sendpass import render
from tests.outreach.helpers import TUESDAY_10, enrolled, smtp_imap_inbox
from tests.servers.imap import DovecotServer, ImapUser
from tests.servers.smtp import SMTPTestServer

pytestmark = pytest.mark.django_db
LEASE_GONE = TUESDAY_10 + timedelta(minutes=6)


@pytest.fixture(scope="module")
def sent_messages_server() -> Iterator[DovecotServer]:
    """A server whose \\Sent mailbox is "Sent Messages" (as iCloud's): no folder named "Sent"."""
    with DovecotServer({"mailbox Sent {": 'mailbox "Sent Messages" {'}) as server:
        yield server


def _provider(user: ImapUser, folder: str, factory: Any) -> SMTPTestServer:
    """The account's SMTP side: every message it accepts is filed in ``folder`` (wire name)."""
    user.server.create_mailbox(user.name, folder)
    smtp: SMTPTestServer = factory(username=user.name, password=user.password)
    smtp.on_message = lambda message: user.server.append(user.name, message.raw, mailbox=folder)
    return smtp


def _one_sent_one_not(inbox: Inbox) -> tuple[OutboundEmail, OutboundEmail]:
    """Two claims at 10:00; the first reaches the provider, then the sender dies."""
    enrolled(n=2)
    prepare_due(now=TUESDAY_10)
    claims = [claim_next(inbox_id=inbox.pk, now=TUESDAY_10) for _ in range(2)]
    assert all(isinstance(c, Claim) for c in claims)
    sent, lost = (OutboundEmail.objects.get(pk=c.email_id) for c in claims if c)
    transport = transport_for(inbox)
    result = transport.send(
        raw=render(sent, inbox, TUESDAY_10), mail_from=inbox.address, recipients=[sent.recipient]
    )
    transport.close()
    assert result.outcome == "accepted"
    return sent, lost


def _assert_reconciled(inbox: Inbox, sent: OutboundEmail, lost: OutboundEmail) -> None:
    sent.refresh_from_db()
    lost.refresh_from_db()
    assert (sent.status, lost.status) == ("sent", "unknown")
    letter = DeadLetter.objects.get()
    assert letter.kind == "delivery_unknown"
    assert (letter.payload["email"], letter.payload["message_id"]) == (lost.pk, lost.message_id)
    day = InboxDay.objects.get(inbox=inbox)
    assert (day.sent, day.reserved) == (1, 1)  # the lost one's slot waits for the operator


def test_the_sent_folder_is_found_by_its_special_use_flag(
    sent_messages_server: DovecotServer, smtp_server_factory: Any, settings: Any
) -> None:
    user = sent_messages_server.add_user("special-use@jengu.test", "pw-special-use")
    smtp = _provider(user, "Sent Messages", smtp_server_factory)
    with time_machine.travel(TUESDAY_10, tick=False) as clock:
        inbox = smtp_imap_inbox(smtp, user, settings)
        sent, lost = _one_sent_one_not(inbox)
        clock.move_to(LEASE_GONE)
        report = reconcile_expired()
    assert report == {"expired": 2, "found_in_sent": 1, "dead_letter": 1}
    _assert_reconciled(inbox, sent, lost)


@pytest.mark.parametrize(
    ("configured", "wire_name"),
    [
        ("Copies", "Copies"),
        # Outlook's French Sent folder; IMAP names travel in modified UTF-7
        ("Éléments envoyés", "&AMk-l&AOk-ments envoy&AOk-s"),
    ],
)
def test_the_configured_sent_folder_is_searched_rather_than_the_flagged_one(
    imap_user: ImapUser, smtp_server_factory: Any, settings: Any, configured: str, wire_name: str
) -> None:
    imap_user.server.create_mailbox(imap_user.name, "Sent")  # flagged \Sent, but not used
    smtp = _provider(imap_user, wire_name, smtp_server_factory)
    with time_machine.travel(TUESDAY_10, tick=False) as clock:
        inbox = smtp_imap_inbox(smtp, imap_user, settings, imap_sent_folder=configured)
        sent, lost = _one_sent_one_not(inbox)
        # a copy of the lost one's Message-ID in the flagged folder must not count
        imap_user.server.append(imap_user.name, render(lost, inbox, TUESDAY_10), mailbox="Sent")
        clock.move_to(LEASE_GONE)
        report = reconcile_expired()
    assert report == {"expired": 2, "found_in_sent": 1, "dead_letter": 1}
    _assert_reconciled(inbox, sent, lost)


def _refuse_login(inbox: Inbox, password: str) -> None:
    inbox.refresh_from_db()
    inbox.password = password  # a changed app password: Dovecot refuses the login
    inbox.save(update_fields=["password"])


@pytest.fixture
def unsearchable(imap_user: ImapUser, smtp_server_factory: Any, settings: Any) -> Any:
    """Start at 10:00 with one email at the provider and one lost, then the sender died and
    the IMAP login started failing; yields (clock, inbox, sent, lost)."""
    smtp = _provider(imap_user, "Sent", smtp_server_factory)
    with time_machine.travel(TUESDAY_10, tick=False) as clock:
        inbox = smtp_imap_inbox(smtp, imap_user, settings)
        sent, lost = _one_sent_one_not(inbox)
        _refuse_login(inbox, "an-old-password")
        clock.move_to(LEASE_GONE)
        yield clock, inbox, sent, lost


def test_a_sent_folder_that_cannot_be_searched_is_asked_again_until_it_can(
    unsearchable: Any, imap_user: ImapUser
) -> None:
    clock, inbox, sent, lost = unsearchable
    assert reconcile_expired() == {"expired": 2, "retry_later": 2}
    assert not DeadLetter.objects.exists()
    _refuse_login(inbox, imap_user.password)  # fixed by the operator
    clock.move_to(TUESDAY_10 + timedelta(minutes=30))
    assert reconcile_expired() == {"expired": 0, "found_in_sent": 1, "dead_letter": 1}
    _assert_reconciled(inbox, sent, lost)


def test_a_sent_folder_unsearchable_for_an_hour_leaves_the_decision_to_the_operator(
    unsearchable: Any,
) -> None:
    clock, _, sent, lost = unsearchable
    reconcile_expired()
    clock.move_to(TUESDAY_10 + timedelta(minutes=5 + 61))
    assert reconcile_expired() == {"expired": 0, "dead_letter": 2}
    assert set(OutboundEmail.objects.values_list("status", flat=True)) == {"unknown"}
    letters = DeadLetter.objects.filter(kind="delivery_unknown")
    assert sorted(letters.values_list("payload__email", flat=True)) == sorted([sent.pk, lost.pk])
