"""The IMAP reader when the mailbox changes under it (another client, the user's own mail app)."""

from __future__ import annotations

from typing import Any

import pytest
from imapclient import IMAPClient

from inboxes.clients.readers import read_new
from inboxes.models import Inbox
from tests.factories import InboxFactory
from tests.inbound import messages as m
from tests.servers import certs
from tests.servers.imap import ImapUser

pytestmark = pytest.mark.django_db


def test_a_message_deleted_between_search_and_fetch_is_skipped_and_the_rest_read(
    imap_user: ImapUser,
    settings: Any,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    settings.JENGU = {**settings.JENGU, "SMTP_CA_FILE": certs.ca_file()}
    gone, kept = (
        m.plain_reply(frm=f"{n}@hotel.example", to=imap_user.name, subject=n, body="Yes")
        for n in ("gone", "kept")
    )
    gone_uid = imap_user.server.append(imap_user.name, gone)
    kept_uid = imap_user.server.append(imap_user.name, kept)
    search = IMAPClient.search

    def search_then_the_user_deletes_one(conn: IMAPClient, *args: Any, **kwargs: Any) -> Any:
        found = search(conn, *args, **kwargs)
        with imap_user.server.session(imap_user.name) as mail_app:
            mail_app.select("INBOX")
            mail_app.uid("STORE", str(gone_uid), "+FLAGS", "(\\Deleted)")
            mail_app.expunge()
        return found

    monkeypatch.setattr(IMAPClient, "search", search_then_the_user_deletes_one)
    inbox = InboxFactory(
        provider=Inbox.Provider.SMTP,
        address=imap_user.name,
        imap_host=imap_user.host,
        imap_port=imap_user.port,
        password=imap_user.password,
    )

    batch = read_new(inbox)

    assert [f.raw for f in batch.messages] == [kept]
    assert batch.cursor["imap_last_uid"] == kept_uid  # the next check starts after both
    assert [r.uids for r in caplog.records if r.msg == "IMAP messages gone before FETCH"] == [
        [gone_uid]
    ]
