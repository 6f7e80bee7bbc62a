"""Folder names: non-ASCII ones travel in IMAP's modified UTF-7 (RFC 3501 5.1.3), and the Sent
folder is the one the server flags \\Sent (RFC 6154 SPECIAL-USE), each against a real Dovecot.

Before, imaplib refused to send non-ASCII names (UnicodeEncodeError): a reader set to such a
folder never read, and a Sent folder named like Outlook's French "Éléments envoyés" crashed the
whole reconciliation pass (tests/outreach/test_reconcile_imap.py). imapclient encodes and decodes
the names; Jengu only keeps a name already written in modified UTF-7 from being encoded twice."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from inboxes.clients.readers import read_new
from inboxes.clients.smtp import SMTPTransport
from inboxes.models import Inbox
from tests.factories import InboxFactory
from tests.inbound import messages as m
from tests.servers import certs
from tests.servers.imap import DovecotServer, ImapUser

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def trust_test_ca(settings: Any) -> None:
    settings.JENGU = {**settings.JENGU, "SMTP_CA_FILE": certs.ca_file()}


def _inbox(user: ImapUser, **fields: Any) -> Inbox:
    return InboxFactory(
        provider=Inbox.Provider.SMTP,
        address=user.name,
        imap_host=user.host,
        imap_port=user.port,  # STARTTLS, verified against the test CA
        password=user.password,
        **fields,
    )


@pytest.mark.parametrize(
    ("name", "wire"),
    [
        ("INBOX", "INBOX"),
        ("Éléments envoyés", "&AMk-l&AOk-ments envoy&AOk-s"),
        ("mail/台北/日本語", "mail/&U,BTFw-/&ZeVnLIqe-"),  # RFC 3501's example
        ("Sales & Marketing", "Sales &- Marketing"),
        ("R&D", "R&-D"),  # an ampersand that opens no shifted run
        # already in wire form (from LIST, or copied from a mail client): kept as it is
        ("[Gmail]/Messages envoy&AOk-s", "[Gmail]/Messages envoy&AOk-s"),
        ("Sales &- Marketing", "Sales &- Marketing"),
    ],
)
def test_folder_names_are_sent_in_modified_utf7(imap_user: ImapUser, name: str, wire: str) -> None:
    if wire != "INBOX":
        imap_user.server.create_mailbox(imap_user.name, wire)
    raw = m.plain_reply(frm="rita@hotel.example", to=imap_user.name, subject="Hi", body="Yes")
    imap_user.server.append(imap_user.name, raw, mailbox=wire)

    batch = read_new(_inbox(imap_user, imap_folder=name))

    assert [f.raw for f in batch.messages] == [raw]


def test_the_reader_reads_a_folder_with_a_non_ascii_name(imap_user: ImapUser) -> None:
    imap_user.server.create_mailbox(imap_user.name, "R&AOk-ponses")  # "Réponses"
    raw = m.plain_reply(frm="rita@hotel.example", to=imap_user.name, subject="Hi", body="Yes")
    imap_user.server.append(imap_user.name, raw, mailbox="R&AOk-ponses")

    batch = read_new(_inbox(imap_user, imap_folder="Réponses"))

    assert [f.raw for f in batch.messages] == [raw]


# --- the Sent folder, found by its SPECIAL-USE flag -----------------------------------------
@pytest.fixture
def account() -> Iterator[Callable[..., ImapUser]]:
    """``account(edits, folders)``: a user on a Dovecot of its own (``edits`` to its namespace:
    which folder is flagged \\Sent, which separator) with ``folders`` created."""
    servers: list[DovecotServer] = []

    def start(edits: dict[str, str], folders: list[str]) -> ImapUser:
        servers.append(server := DovecotServer(edits).start())
        user = server.add_user("sent@jengu.test", "pw-sent-folder")
        for folder in folders:
            server.create_mailbox(user.name, folder)
        return user

    yield start
    for server in servers:
        server.stop()


def _file(user: ImapUser, message_id: str, mailbox: str) -> None:
    raw = m.plain_reply(
        frm=user.name, to="gm@hotel.example", subject="Rooms", body="Hello", msgid=message_id
    )
    user.server.append(user.name, raw, mailbox=mailbox)


UNFLAGGED = {"special_use = \\Sent": ""}


@pytest.mark.parametrize(
    ("edits", "sent", "other"),
    [
        ({"mailbox Sent {": 'mailbox "[Gmail]/Sent Mail" {'}, "[Gmail]/Sent Mail", "Sent"),
        (
            {"mailbox Sent {": 'mailbox "Sent Items" {', "separator = /": "separator = ."},
            "Sent Items",
            "Sent",
        ),
        (
            {"mailbox Sent {": 'mailbox "Éléments envoyés" {'},
            "&AMk-l&AOk-ments envoy&AOk-s",
            "Sent",
        ),
        # No folder flagged: an existing folder with a usual Sent name is searched. Before,
        # only a folder named exactly "Sent" was tried, so this lookup could never answer.
        (UNFLAGGED, "Sent Messages", "Archive"),
    ],
)
def test_the_sent_folder_is_the_one_flagged_sent(
    account: Callable[..., ImapUser], edits: dict[str, str], sent: str, other: str
) -> None:
    user = account(edits, [sent, other])  # (wire names) the other folder is never searched
    _file(user, "<in-sent@jengu.test>", sent)
    _file(user, "<in-other@jengu.test>", other)
    transport = SMTPTransport(_inbox(user))

    assert transport.find_sent("<in-sent@jengu.test>") is True
    assert transport.find_sent("<in-other@jengu.test>") is False


def test_without_any_sent_folder_the_lookup_cannot_tell(
    account: Callable[..., ImapUser],
) -> None:
    user = account(UNFLAGGED, ["Copies"])
    _file(user, "<sent.2@jengu.test>", "Copies")

    assert SMTPTransport(_inbox(user)).find_sent("<sent.2@jengu.test>") is None
    # the operator names the folder: now it answers
    assert SMTPTransport(_inbox(user, imap_sent_folder="Copies")).find_sent("<sent.2@jengu.test>")
