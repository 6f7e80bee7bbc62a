"""The Dovecot test server behaves like a real mailbox provider, seen through imaplib."""

from __future__ import annotations

import imaplib
import re
import socket
import ssl
import time
from pathlib import Path

import pytest

from tests.servers import certs, imap
from tests.servers.imap import DovecotNotInstalled, DovecotServer, ImapUser

MESSAGE = (
    b"From: Ana Lima <ana@hotel-lima.test>\r\n"
    b"To: sales@jengu.test\r\n"
    b"Subject: Re: your proposal\r\n"
    b"Message-ID: <reply-1@hotel-lima.test>\r\n"
    b"In-Reply-To: <out-1@jengu.test>\r\n"
    b"\r\n"
    b"Yes, let's talk on Tuesday.\r\n"
)


def _starttls_login(user: ImapUser) -> imaplib.IMAP4:
    client = imaplib.IMAP4(user.host, user.port, timeout=10)
    client.starttls(ssl_context=certs.client_context())
    client.login(user.name, user.password)
    return client


def _uidvalidity(client: imaplib.IMAP4, mailbox: str = "INBOX") -> int:
    client.select(mailbox, readonly=True)
    return int(client.response("UIDVALIDITY")[1][0])


def test_starttls_login_finds_and_fetches_appended_message(
    imap_server: DovecotServer, imap_user: ImapUser
) -> None:
    uid = imap_server.append(imap_user.name, MESSAGE)
    client = _starttls_login(imap_user)
    try:
        typ, _ = client.select("INBOX", readonly=True)  # EXAMINE
        assert typ == "OK"
        _, found = client.uid("SEARCH", None, "HEADER", "Message-ID", "<reply-1@hotel-lima.test>")
        assert found[0].split() == [str(uid).encode()]
        _, data = client.uid("FETCH", str(uid), "(BODY.PEEK[])")
        assert data[0][1] == MESSAGE
    finally:
        client.logout()


def test_implicit_tls_port_serves_the_same_mailbox(
    imap_server: DovecotServer, imap_user: ImapUser
) -> None:
    imap_server.append(imap_user.name, MESSAGE)
    imap_server.append(imap_user.name, MESSAGE.replace(b"reply-1", b"reply-2"))
    client = imaplib.IMAP4_SSL(
        imap_user.host, imap_user.ssl_port, ssl_context=certs.client_context(), timeout=10
    )
    try:
        client.login(imap_user.name, imap_user.password)
        typ, count = client.select("INBOX", readonly=True)
        assert (typ, count) == ("OK", [b"2"])
    finally:
        client.logout()


def test_certificate_is_not_trusted_without_the_test_ca(imap_user: ImapUser) -> None:
    with pytest.raises(ssl.SSLCertVerificationError):
        imaplib.IMAP4_SSL(
            imap_user.host, imap_user.ssl_port, ssl_context=ssl.create_default_context()
        )


def test_wrong_password_is_refused_without_delay(imap_user: ImapUser) -> None:
    client = imaplib.IMAP4(imap_user.host, imap_user.port, timeout=10)
    started = time.monotonic()
    with pytest.raises(imaplib.IMAP4.error, match="AUTHENTICATIONFAILED"):
        client.login(imap_user.name, imap_user.password + "x")
    # Dovecot flushes failures on a 500 ms timer; its default 2 s delay is turned off.
    assert time.monotonic() - started < 1.5
    client.logout()


def test_flags_and_sent_folder(imap_server: DovecotServer, imap_user: ImapUser) -> None:
    imap_server.create_mailbox(imap_user.name, "Sent")
    imap_server.append(imap_user.name, MESSAGE, mailbox="Sent", flags=["\\Seen"])
    unread = imap_server.append(imap_user.name, MESSAGE)
    client = _starttls_login(imap_user)
    try:
        _, listing = client.list()
        assert any(b"\\Sent" in line and line.endswith(b" Sent") for line in listing)
        client.select("INBOX", readonly=True)
        _, unseen = client.uid("SEARCH", None, "UNSEEN")
        assert unseen[0].split() == [str(unread).encode()]
        client.select("Sent", readonly=True)
        _, flags = client.uid("FETCH", "1:*", "(FLAGS)")
        assert b"\\Seen" in flags[0]
    finally:
        client.logout()


def test_reset_uidvalidity_changes_it_and_keeps_messages(
    imap_server: DovecotServer, imap_user: ImapUser
) -> None:
    imap_server.append(imap_user.name, MESSAGE)
    client = _starttls_login(imap_user)
    before = _uidvalidity(client)
    client.logout()

    new = imap_server.reset_uidvalidity(imap_user.name)

    client = _starttls_login(imap_user)
    try:
        after = _uidvalidity(client)
        _, uids = client.uid("SEARCH", None, "ALL")
    finally:
        client.logout()
    assert after == new and after > before
    assert len(uids[0].split()) == 1


def test_reset_uidvalidity_works_on_other_mailboxes(
    imap_server: DovecotServer, imap_user: ImapUser
) -> None:
    imap_server.create_mailbox(imap_user.name, "Sent Items")
    before = imap_server.uidvalidity(imap_user.name, "Sent Items")
    assert imap_server.reset_uidvalidity(imap_user.name, "Sent Items") > before
    client = _starttls_login(imap_user)
    try:
        assert _uidvalidity(client, '"Sent Items"') > before
    finally:
        client.logout()


def test_users_do_not_see_each_other_mail(imap_server: DovecotServer, imap_user: ImapUser) -> None:
    other = imap_server.add_user(f"other-{imap_user.name}", "pw-other")
    imap_server.append(imap_user.name, MESSAGE)
    client = _starttls_login(other)
    try:
        assert client.select("INBOX", readonly=True) == ("OK", [b"0"])
    finally:
        client.logout()


_DOVECOT_NAMES = {"dovecot", "anvil", "log", "config", "auth", "stats", "imap", "imap-login"}


def _dovecot_pids() -> set[int]:
    """Live processes whose command is one of Dovecot's, seen independently of imap.py."""
    pids = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        name, state = text[text.index("(") + 1 : text.rindex(")")], text.rsplit(")", 1)[1][1]
        if state != "Z" and name in _DOVECOT_NAMES:
            pids.add(int(stat.parent.name))
    return pids


def test_stop_ends_every_dovecot_process() -> None:
    before = _dovecot_pids()
    server = DovecotServer().start()
    server.add_user("someone@jengu.test", "pw")
    port, root = server.port, server.root
    started = _dovecot_pids() - before
    assert len(started) >= 3  # master, log, config, auth, ...

    server.stop()

    assert not started & _dovecot_pids()
    assert root is not None and not root.exists()
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=1).close()


def test_missing_dovecot_names_the_install_script(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    monkeypatch.setattr(imap, "_SEARCH_PATH", ())
    with pytest.raises(DovecotNotInstalled, match=re.escape(".ci/install-system-packages")):
        DovecotServer().start()


def test_add_user_rejects_names_that_break_the_passwd_file(imap_server: DovecotServer) -> None:
    with pytest.raises(ValueError, match="user names"):
        imap_server.add_user("evil:0:0", "pw")
