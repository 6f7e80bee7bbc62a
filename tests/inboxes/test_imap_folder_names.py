"""Folder names with non-ASCII letters travel in IMAP's modified UTF-7 (RFC 3501 5.1.3).

Before, imaplib refused to send them (UnicodeEncodeError): a reader set to such a folder never
read, and a Sent folder named like Outlook's French "Éléments envoyés" crashed the whole
reconciliation pass (tests/outreach/test_reconcile_imap.py)."""

from __future__ import annotations

from typing import Any

import pytest

from inboxes.clients.imap import mailbox_name
from inboxes.clients.readers import read_new
from inboxes.models import Inbox
from tests.factories import InboxFactory
from tests.inbound import messages as m
from tests.servers import certs
from tests.servers.imap import ImapUser


@pytest.mark.parametrize(
    ("name", "wire"),
    [
        ("INBOX", "INBOX"),
        ("Éléments envoyés", "&AMk-l&AOk-ments envoy&AOk-s"),
        ("~peter/mail/台北/日本語", "~peter/mail/&U,BTFw-/&ZeVnLIqe-"),  # RFC 3501's example
        ("Sales & Marketing", "Sales &- Marketing"),
        # already in wire form (from LIST, or copied from a mail client): kept as it is
        ("[Gmail]/Messages envoy&AOk-s", "[Gmail]/Messages envoy&AOk-s"),
        ("Sales &- Marketing", "Sales &- Marketing"),
    ],
)
def test_folder_names_are_sent_in_modified_utf7(name: str, wire: str) -> None:
    assert mailbox_name(name) == wire


@pytest.mark.django_db
def test_the_reader_reads_a_folder_with_a_non_ascii_name(
    imap_user: ImapUser, settings: Any
) -> None:
    settings.JENGU = {**settings.JENGU, "SMTP_CA_FILE": certs.ca_file()}
    imap_user.server.create_mailbox(imap_user.name, "R&AOk-ponses")  # "Réponses"
    raw = m.plain_reply(frm="rita@hotel.example", to=imap_user.name, subject="Hi", body="Yes")
    imap_user.server.append(imap_user.name, raw, mailbox="R&AOk-ponses")
    inbox = InboxFactory(
        provider=Inbox.Provider.SMTP,
        address=imap_user.name,
        imap_host=imap_user.host,
        imap_port=imap_user.port,
        password=imap_user.password,
        imap_folder="Réponses",
    )

    batch = read_new(inbox)

    assert [f.raw for f in batch.messages] == [raw]
