"""SMTP, Graph, Maildir and IMAP transports against real servers on 127.0.0.1."""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest

from inboxes.clients import graph as graph_client
from inboxes.clients import transport_for
from inboxes.clients.graph import GraphTransport
from inboxes.clients.maildir import MaildirTransport
from inboxes.clients.smtp import SMTPTransport
from inboxes.models import Inbox
from tests.factories import InboxFactory
from tests.servers import certs
from tests.servers.graph import GraphTestServer
from tests.servers.imap import ImapUser
from tests.servers.smtp import SMTPTestServer

pytestmark = pytest.mark.django_db
RECIPIENT = "gm@hotel-a.test"


def _message(message_id: str = "<step1.42@jengu.test>", to: str = RECIPIENT) -> bytes:
    msg = EmailMessage()
    msg["From"] = "Jengu Test <sender@jengu.test>"
    msg["To"] = to
    msg["Subject"] = "Rooms for your guests"
    msg["Message-ID"] = message_id
    msg["List-Unsubscribe"] = "<https://jengu.test/u/tok>"
    # a line starting with "." must survive SMTP dot-stuffing unchanged
    msg.set_content("Hello,\n.a line that starts with a dot\nBest regards\n")
    return msg.as_bytes(policy=msg.policy.clone(linesep="\r\n"))


def _smtp_inbox(server: SMTPTestServer, **overrides: Any) -> Inbox:
    fields = {
        "provider": Inbox.Provider.SMTP,
        "address": server.username,
        "smtp_host": server.host,
        "smtp_port": server.port,
        "password": server.password,
        **overrides,
    }
    return InboxFactory(**fields)


def _send(transport: Any, raw: bytes | None = None, to: str = RECIPIENT) -> Any:
    return transport.send(
        raw=raw or _message(to=to), mail_from="sender@jengu.test", recipients=[to]
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def trust_test_ca(settings: Any) -> None:
    settings.JENGU = {**settings.JENGU, "SMTP_CA_FILE": certs.ca_file()}


# --- SMTP -----------------------------------------------------------------------------------
def test_smtp_starttls_and_auth_deliver_the_exact_bytes(
    smtp_server: SMTPTestServer, trust_test_ca: None
) -> None:
    raw = _message()
    transport = transport_for(_smtp_inbox(smtp_server))
    result = _send(transport, raw)
    transport.close()

    assert result.outcome == "accepted"
    [received] = smtp_server.messages
    assert received.raw == raw
    assert received.mail_from == "sender@jengu.test"
    assert received.rcpt_tos == [RECIPIENT]
    # the server only accepts AUTH after STARTTLS, so a login proves the session was encrypted
    assert received.login == smtp_server.username


def test_smtp_certificate_is_verified_without_the_ca_file(smtp_server: SMTPTestServer) -> None:
    transport = SMTPTransport(_smtp_inbox(smtp_server))
    result = _send(transport)

    assert result.outcome == "unavailable"
    assert "CERTIFICATE_VERIFY_FAILED" in result.message
    assert smtp_server.messages == []
    assert smtp_server.auth_attempts == 0


def test_smtp_wrong_password_is_an_auth_outcome(
    smtp_server: SMTPTestServer, trust_test_ca: None
) -> None:
    transport = SMTPTransport(_smtp_inbox(smtp_server, password="not-the-password"))
    result = _send(transport)

    assert (result.outcome, result.code) == ("auth", 535)
    # smtplib tries PLAIN, then LOGIN: every attempt failed, none got through
    assert smtp_server.failed_auth_attempts == smtp_server.auth_attempts > 0
    assert smtp_server.messages == []


@pytest.mark.parametrize(
    ("reply", "temporary", "consequence"),
    [
        ("450 4.2.1 try later", True, "try_later"),
        ("550 5.1.1 user unknown", False, "address_bad"),
        ("450 4.1.1 user unknown", True, "address_bad"),
        (
            "550 5.7.1 Service unavailable; client host blocked using Spamhaus",
            False,
            "sender_problem",
        ),
    ],
)
def test_smtp_recipient_rejections_are_classified_by_reason(
    smtp_server: SMTPTestServer,
    trust_test_ca: None,
    reply: str,
    temporary: bool,
    consequence: str,
) -> None:
    smtp_server.fail_recipient(RECIPIENT, reply)
    result = _send(SMTPTransport(_smtp_inbox(smtp_server)))

    assert result.outcome == "rejected"
    assert result.code == int(reply[:3])
    assert result.temporary is temporary
    assert result.verdict is not None
    assert result.verdict.consequence == consequence
    assert result.verdict.recipient == RECIPIENT
    assert smtp_server.messages == []


def test_smtp_rejection_after_data_is_classified_too(
    smtp_server: SMTPTestServer, trust_test_ca: None
) -> None:
    smtp_server.fail_next("data", "554 5.7.1 Message rejected as spam")
    result = _send(SMTPTransport(_smtp_inbox(smtp_server)))

    assert (result.outcome, result.code, result.temporary) == ("rejected", 554, False)
    assert result.verdict is not None and result.verdict.consequence == "sender_problem"


def test_smtp_one_connection_carries_several_sends(
    smtp_server: SMTPTestServer, trust_test_ca: None
) -> None:
    transport = SMTPTransport(_smtp_inbox(smtp_server))
    results = [_send(transport, _message(f"<m{n}@jengu.test>")) for n in range(3)]
    transport.close()

    assert [r.outcome for r in results] == ["accepted"] * 3
    assert smtp_server.connections == 1
    assert smtp_server.auth_attempts == 1
    assert [m.connection for m in smtp_server.messages] == [1, 1, 1]


def test_smtp_reconnects_after_the_server_hangs_up_with_421(
    smtp_server: SMTPTestServer, trust_test_ca: None
) -> None:
    transport = SMTPTransport(_smtp_inbox(smtp_server))
    smtp_server.fail_next("mail", "421 4.7.0 Too many connections, closing")
    first = _send(transport, _message("<m1@jengu.test>"))
    second = _send(transport, _message("<m2@jengu.test>"))
    transport.close()

    assert (first.outcome, first.temporary) == ("rejected", True)
    assert second.outcome == "accepted"
    assert [m.connection for m in smtp_server.messages] == [2]


def test_smtp_refused_port_is_unavailable(trust_test_ca: None) -> None:
    inbox = InboxFactory(
        provider=Inbox.Provider.SMTP, smtp_host="127.0.0.1", smtp_port=_free_port(), password="pw"
    )
    result = _send(SMTPTransport(inbox))

    assert result.outcome == "unavailable"
    assert result.temporary is True
    assert "ConnectionRefusedError" in result.message


def test_smtp_port_465_speaks_implicit_tls(
    smtp_server_factory: Callable[..., SMTPTestServer], trust_test_ca: None
) -> None:
    try:
        server = smtp_server_factory(mode="implicit", port=465)
    except PermissionError:
        pytest.skip("binding port 465 needs root (CI runs as root)")
    raw = _message()
    transport = SMTPTransport(_smtp_inbox(server))
    result = _send(transport, raw)
    transport.close()

    assert server.port == 465
    assert result.outcome == "accepted"
    [received] = server.messages
    assert (received.raw, received.login) == (raw, server.username)


def test_smtp_plaintext_auth_to_loopback_is_allowed(
    smtp_server_factory: Callable[..., SMTPTestServer],
) -> None:
    server = smtp_server_factory(mode="plain")
    result = _send(SMTPTransport(_smtp_inbox(server)))

    assert result.outcome == "accepted"
    assert server.messages[0].login == server.username


@pytest.fixture
def remote_plain_server(
    smtp_server_factory: Callable[..., SMTPTestServer], monkeypatch: pytest.MonkeyPatch
) -> SMTPTestServer:
    # The one mock here: the network is closed, so a "remote" host is a loopback one we disown.
    monkeypatch.setattr("inboxes.clients.smtp.is_loopback", lambda host: False)
    return smtp_server_factory(mode="plain")


def test_smtp_refuses_auth_in_the_clear_to_a_remote_host(
    remote_plain_server: SMTPTestServer,
) -> None:
    result = _send(SMTPTransport(_smtp_inbox(remote_plain_server)))

    assert result.outcome == "auth"
    assert "SMTP_ALLOW_PLAINTEXT" in result.message
    assert remote_plain_server.auth_attempts == 0
    assert remote_plain_server.messages == []


def test_smtp_plaintext_allowed_sends_auth_in_the_clear(
    remote_plain_server: SMTPTestServer, settings: Any
) -> None:
    settings.JENGU = {**settings.JENGU, "SMTP_ALLOW_PLAINTEXT": True}
    result = _send(SMTPTransport(_smtp_inbox(remote_plain_server)))

    assert result.outcome == "accepted"
    assert remote_plain_server.messages[0].login == remote_plain_server.username


# --- Microsoft Graph ------------------------------------------------------------------------
@pytest.fixture
def graph_inbox(
    graph_server: GraphTestServer, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> Inbox:
    env = graph_server.env()
    for name in ("AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET", "AZURE_MAIL_FROM"):
        setattr(settings, name, env[name])
    settings.JENGU = {
        **settings.JENGU,
        "AZURE_AUTHORITY_HOST": env["AZURE_AUTHORITY_HOST"],
        "GRAPH_BASE_URL": env["GRAPH_BASE_URL"],
        "GRAPH_CA_FILE": graph_server.ca_file,
    }
    # msal apps (and their token caches) are per process; each test starts with none
    monkeypatch.setattr(graph_client, "_apps", {})
    return InboxFactory(key="graph", provider=Inbox.Provider.GRAPH, address=env["AZURE_MAIL_FROM"])


@pytest.fixture
def graph(graph_inbox: Inbox) -> Iterator[GraphTransport]:
    transport = GraphTransport(graph_inbox)
    yield transport
    transport.close()


def test_graph_sends_mime_with_our_message_id_and_caches_the_token(
    graph_server: GraphTestServer, graph_inbox: Inbox, graph: GraphTransport
) -> None:
    first, second = _message("<step1.1@jengu.test>"), _message("<step1.2@jengu.test>")
    results = [_send(graph, first), _send(graph, second)]

    assert [r.outcome for r in results] == ["accepted", "accepted"]
    sent = graph_server.sent_items(graph_inbox.address)
    assert [m.raw for m in sent] == [first, second]
    assert [m.internet_message_id for m in sent] == ["<step1.1@jengu.test>", "<step1.2@jengu.test>"]
    assert sent[0].parsed["List-Unsubscribe"] == "<https://jengu.test/u/tok>"
    assert graph_server.token_requests == 1


def test_graph_429_is_a_temporary_rejection_with_retry_after(
    graph_server: GraphTestServer, graph: GraphTransport
) -> None:
    graph_server.fail_next(429, headers={"Retry-After": "7"})
    result = _send(graph)

    assert (result.outcome, result.code, result.temporary) == ("rejected", 429, True)
    assert result.retry_after == 7.0
    assert result.verdict is not None and result.verdict.consequence == "try_later"


def test_graph_invalid_recipients_is_a_bad_address(
    graph_server: GraphTestServer, graph: GraphTransport
) -> None:
    error = {"error": {"code": "ErrorInvalidRecipients", "message": "Recipient not resolved."}}
    graph_server.fail_next(400, error)
    result = _send(graph)

    assert (result.outcome, result.code, result.temporary) == ("rejected", 400, False)
    assert result.verdict is not None
    assert result.verdict.consequence == "address_bad"
    assert result.verdict.recipient == RECIPIENT


def test_graph_persistent_401_is_an_auth_outcome(
    graph_server: GraphTestServer, graph: GraphTransport
) -> None:
    graph_server.fail_next(401, times=2)
    result = _send(graph)

    assert (result.outcome, result.code) == ("auth", 401)
    assert graph_server.sent_items(graph_server.mail_from) == []


def test_graph_token_revoked_on_the_server_is_replaced_once(
    graph_server: GraphTestServer, graph_inbox: Inbox, graph: GraphTransport
) -> None:
    assert _send(graph, _message("<before@jengu.test>")).outcome == "accepted"
    graph_server.expire_tokens()  # msal still holds the old token as valid for an hour
    result = _send(graph, _message("<after@jengu.test>"))

    assert result.outcome == "accepted"
    assert graph_server.token_requests == 2
    sent = graph_server.sent_items(graph_inbox.address)
    assert [m.internet_message_id for m in sent] == ["<before@jengu.test>", "<after@jengu.test>"]


def test_graph_wrong_client_secret_is_an_auth_outcome(
    graph_server: GraphTestServer, graph: GraphTransport, settings: Any
) -> None:
    settings.AZURE_CLIENT_SECRET = "not-the-secret"
    result = _send(graph)

    assert result.outcome == "auth"
    assert "invalid_client" in result.message
    assert graph_server.sent_items(graph_server.mail_from) == []


def test_graph_find_sent_looks_up_the_internet_message_id(graph: GraphTransport) -> None:
    _send(graph, _message("<it's-sent@jengu.test>"))

    assert graph.find_sent("<it's-sent@jengu.test>") is True
    assert graph.find_sent("<never-sent@jengu.test>") is False


def test_graph_find_sent_cannot_tell_when_graph_fails(
    graph_server: GraphTestServer, graph: GraphTransport
) -> None:
    graph_server.fail_next(503)
    assert graph.find_sent("<any@jengu.test>") is None


# --- Maildir --------------------------------------------------------------------------------
def test_maildir_send_writes_the_bytes_and_find_sent_sees_them(settings: Any) -> None:
    transport = MaildirTransport(InboxFactory(key="offline"))
    assert transport.find_sent("<m1@jengu.test>") is False

    raw = _message("<m1@jengu.test>")
    result = _send(transport, raw)

    assert result.outcome == "accepted"
    assert transport.find_sent("<m1@jengu.test>") is True
    assert transport.find_sent("<m2@jengu.test>") is False
    outbox = Path(settings.JENGU["MAILDIR_ROOT"]) / "_outbox" / "new"
    assert [p.read_bytes() for p in outbox.iterdir()] == [raw]


# --- IMAP (reconciling an SMTP inbox through its Sent folder) ---------------------------------
def _imap_inbox(user: ImapUser, **overrides: Any) -> Inbox:
    fields = {
        "provider": Inbox.Provider.SMTP,
        "address": user.name,
        "smtp_host": "127.0.0.1",
        "imap_host": user.host,
        "imap_port": user.port,  # the STARTTLS port
        "username": user.name,
        "password": user.password,
        **overrides,
    }
    return InboxFactory(**fields)


def test_imap_find_sent_searches_the_sent_folder(imap_user: ImapUser, trust_test_ca: None) -> None:
    imap_user.server.create_mailbox(imap_user.name, "Sent")
    imap_user.server.append(imap_user.name, _message("<sent.1@jengu.test>"), mailbox="Sent")
    imap_user.server.append(imap_user.name, _message("<inbox.1@jengu.test>"), mailbox="INBOX")
    transport = SMTPTransport(_imap_inbox(imap_user))

    assert transport.find_sent("<sent.1@jengu.test>") is True
    assert transport.find_sent("<never.sent@jengu.test>") is False
    # a message in INBOX is not a sent message
    assert transport.find_sent("<inbox.1@jengu.test>") is False


def test_imap_find_sent_cannot_tell_on_a_wrong_password_or_untrusted_certificate(
    imap_user: ImapUser, settings: Any
) -> None:
    imap_user.server.create_mailbox(imap_user.name, "Sent")
    imap_user.server.append(imap_user.name, _message("<sent.3@jengu.test>"), mailbox="Sent")

    # STARTTLS is used and verified: without the test CA the lookup fails closed
    assert SMTPTransport(_imap_inbox(imap_user)).find_sent("<sent.3@jengu.test>") is None
    settings.JENGU = {**settings.JENGU, "SMTP_CA_FILE": certs.ca_file()}
    wrong = _imap_inbox(imap_user, password="wrong-password")
    assert SMTPTransport(wrong).find_sent("<sent.3@jengu.test>") is None


def test_imap_find_sent_uses_the_configured_folder_with_a_space(
    imap_user: ImapUser, trust_test_ca: None
) -> None:
    imap_user.server.create_mailbox(imap_user.name, "Sent Items")
    imap_user.server.append(imap_user.name, _message("<sent.4@jengu.test>"), mailbox="Sent Items")
    inbox = _imap_inbox(imap_user, imap_sent_folder="Sent Items")

    assert SMTPTransport(inbox).find_sent("<sent.4@jengu.test>") is True
    assert SMTPTransport(inbox).find_sent("<sent.5@jengu.test>") is False
