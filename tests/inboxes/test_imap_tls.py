"""The IMAP client's transport security against a real Dovecot: implicit TLS on the IMAPS port,
STARTTLS elsewhere, certificates verified (SMTP_CA_FILE adds a CA), and a password sent in the
clear only to a loopback host or with SMTP_ALLOW_PLAINTEXT (contracts.md, Environment)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from inboxes.clients.imap import IMAPError
from inboxes.clients.readers import read_new
from inboxes.models import Inbox
from tests.factories import InboxFactory
from tests.inbound import messages as m
from tests.servers import certs
from tests.servers.imap import DovecotServer, ImapUser

pytestmark = pytest.mark.django_db
# Dovecot without TLS: no STARTTLS offered; its second port (which Dovecot would not open under
# the name "imaps" with ssl = no) speaks plain IMAP too.
NO_TLS = {
    "ssl = yes\nssl_cert": "ssl = no\nssl_cert",
    "inet_listener imaps {": "inet_listener imap_plain {",
    "    ssl = yes\n  }": "  }",
}


def _inbox(user: ImapUser, port: int) -> Inbox:
    return InboxFactory(
        provider=Inbox.Provider.SMTP,
        address=user.name,
        imap_host=user.host,
        imap_port=port,
        password=user.password,
    )


def _deliver(user: ImapUser) -> bytes:
    raw = m.plain_reply(frm="rita@hotel.example", to=user.name, subject="Hi", body="Yes")
    user.server.append(user.name, raw)
    return raw


@pytest.fixture
def implicit_tls_port(imap_user: ImapUser, monkeypatch: pytest.MonkeyPatch) -> int:
    # The one mock: the test server cannot bind 993, so its IMAPS port stands in for it.
    monkeypatch.setattr("inboxes.clients.imap.IMPLICIT_TLS_PORT", imap_user.ssl_port)
    return imap_user.ssl_port


def test_implicit_tls_reads_with_the_configured_ca(
    imap_user: ImapUser, implicit_tls_port: int, settings: Any
) -> None:
    settings.JENGU = {**settings.JENGU, "SMTP_CA_FILE": certs.ca_file()}
    raw = _deliver(imap_user)

    assert [f.raw for f in read_new(_inbox(imap_user, implicit_tls_port)).messages] == [raw]


def test_implicit_tls_refuses_a_certificate_it_cannot_verify(
    imap_user: ImapUser, implicit_tls_port: int
) -> None:
    _deliver(imap_user)

    with pytest.raises(IMAPError, match="CERTIFICATE_VERIFY_FAILED"):
        read_new(_inbox(imap_user, implicit_tls_port))


@pytest.fixture
def plain_user() -> Iterator[ImapUser]:
    with DovecotServer(NO_TLS) as server:
        yield server.add_user("plain@jengu.test", "pw-plain")


def test_a_loopback_server_without_tls_is_read_in_the_clear(plain_user: ImapUser) -> None:
    raw = _deliver(plain_user)

    assert [f.raw for f in read_new(_inbox(plain_user, plain_user.port)).messages] == [raw]


@pytest.fixture
def remote_plain_user(plain_user: ImapUser, monkeypatch: pytest.MonkeyPatch) -> ImapUser:
    # The network is closed, so a "remote" host is a loopback one we disown.
    monkeypatch.setattr("inboxes.clients.imap.is_loopback", lambda host: False)
    return plain_user


def test_a_remote_server_without_tls_never_gets_the_password(remote_plain_user: ImapUser) -> None:
    _deliver(remote_plain_user)
    logins = remote_plain_user.server.log().count(f"user=<{remote_plain_user.name}>")

    with pytest.raises(IMAPError, match="offers no TLS"):
        read_new(_inbox(remote_plain_user, remote_plain_user.port))
    # no login, not even a failed one, after the test's own delivery
    assert remote_plain_user.server.log().count(f"user=<{remote_plain_user.name}>") == logins


def test_plaintext_allowed_reads_a_remote_server_without_tls(
    remote_plain_user: ImapUser, settings: Any
) -> None:
    settings.JENGU = {**settings.JENGU, "SMTP_ALLOW_PLAINTEXT": True}
    raw = _deliver(remote_plain_user)

    assert [
        f.raw for f in read_new(_inbox(remote_plain_user, remote_plain_user.port)).messages
    ] == [raw]
