"""The SMTP test server, driven through smtplib as Jengu's sender will drive it."""

from __future__ import annotations

import os
import signal
import smtplib
import subprocess
import sys
import time
from collections.abc import Callable
from email.message import EmailMessage

import pytest

from tests.servers import certs
from tests.servers.smtp import DROP, ReceivedMessage, SMTPTestServer

Factory = Callable[..., SMTPTestServer]


def _message(subject: str = "Rooms for your guests", to: str = "gm@hotel-a.test") -> bytes:
    msg = EmailMessage()
    msg["From"] = "sender@jengu.test"
    msg["To"] = to
    msg["Subject"] = subject
    msg["Message-ID"] = "<step1.42@jengu.test>"
    # a line starting with "." must survive SMTP dot-stuffing unchanged
    msg.set_content("Hello,\n.hidden dot line\nBest regards\n")
    return msg.as_bytes(policy=msg.policy.clone(linesep="\r\n"))


def _login(server: SMTPTestServer) -> smtplib.SMTP:
    client = smtplib.SMTP(server.host, server.port, timeout=5)
    client.starttls(context=certs.client_context())
    client.login(server.username or "", server.password or "")
    return client


def test_starttls_login_delivers_the_exact_bytes(smtp_server: SMTPTestServer) -> None:
    raw = _message()
    with _login(smtp_server) as client:
        client.sendmail("sender@jengu.test", ["gm@hotel-a.test"], raw)

    [received] = smtp_server.messages
    assert received.raw == raw
    assert received.mail_from == "sender@jengu.test"
    assert received.rcpt_tos == ["gm@hotel-a.test"]
    assert received.login == smtp_server.username
    assert received.parsed["Message-ID"] == "<step1.42@jengu.test>"
    assert ".hidden dot line" in received.parsed.get_content()


def test_wrong_password_is_answered_535_and_the_connection_stays_usable(
    smtp_server: SMTPTestServer,
) -> None:
    with smtplib.SMTP(smtp_server.host, smtp_server.port, timeout=5) as client:
        client.starttls(context=certs.client_context())
        with pytest.raises(smtplib.SMTPAuthenticationError) as refused:
            client.login(smtp_server.username or "", "wrong password")
        assert refused.value.smtp_code == 535
        assert client.noop()[0] == 250
        client.login(smtp_server.username or "", smtp_server.password or "")
    # smtplib tried PLAIN then LOGIN with the wrong password, then PLAIN with the right one
    assert (smtp_server.auth_attempts, smtp_server.failed_auth_attempts) == (3, 2)


def test_auth_and_mail_before_starttls_are_refused(smtp_server: SMTPTestServer) -> None:
    with smtplib.SMTP(smtp_server.host, smtp_server.port, timeout=5) as client:
        client.ehlo()
        assert not client.has_extn("auth")  # AUTH is only offered over TLS
        assert client.has_extn("starttls")
        assert client.docmd("AUTH", "PLAIN AHNlbmRlcgBwdw==")[0] == 538
        assert client.mail("sender@jengu.test")[0] == 530
    assert smtp_server.messages == []


def test_require_starttls_refuses_mail_in_the_clear(smtp_server_factory: Factory) -> None:
    server = smtp_server_factory(require_starttls=True)
    with smtplib.SMTP(server.host, server.port, timeout=5) as client:
        client.ehlo()
        code, _ = client.mail("sender@jengu.test")
    assert code == 530


def test_implicit_tls_server_speaks_tls_from_the_first_byte(smtp_server_factory: Factory) -> None:
    server = smtp_server_factory(mode="implicit", username="b@jengu.test", password="pw-b")
    with smtplib.SMTP_SSL(
        server.host, server.port, context=certs.client_context(), timeout=5
    ) as client:
        client.login("b@jengu.test", "pw-b")
        client.sendmail("b@jengu.test", ["gm@hotel-a.test"], _message())
    assert [m.login for m in server.messages] == ["b@jengu.test"]

    with pytest.raises(smtplib.SMTPServerDisconnected), smtplib.SMTP(timeout=0.5) as plain:
        plain.connect(server.host, server.port)  # a plaintext greeting never comes


def test_plain_mode_allows_auth_without_tls(smtp_server_factory: Factory) -> None:
    server = smtp_server_factory(mode="plain")
    with smtplib.SMTP(server.host, server.port, timeout=5) as client:
        client.ehlo()
        assert not client.has_extn("starttls")
        client.login(server.username or "", server.password or "")
        client.sendmail("sender@jengu.test", ["gm@hotel-a.test"], _message())
    assert len(server.messages) == 1


def test_scripted_rcpt_answer_is_used_once(smtp_server: SMTPTestServer) -> None:
    smtp_server.fail_next("rcpt", "450 4.2.1 Try again later")
    with _login(smtp_server) as client:
        with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
            client.sendmail("sender@jengu.test", ["gm@hotel-a.test"], _message())
        assert refused.value.recipients == {"gm@hotel-a.test": (450, b"4.2.1 Try again later")}
        client.sendmail("sender@jengu.test", ["gm@hotel-a.test"], _message())
    assert len(smtp_server.messages) == 1


def test_a_recipient_can_fail_n_times_then_be_accepted(smtp_server: SMTPTestServer) -> None:
    smtp_server.fail_recipient("gm@hotel-a.test", "451 4.7.1 Greylisted", times=2)
    codes = []
    with _login(smtp_server) as client:
        for _ in range(3):
            try:
                client.sendmail("sender@jengu.test", ["gm@hotel-a.test"], _message())
                codes.append(250)
            except smtplib.SMTPRecipientsRefused as exc:
                codes.append(exc.recipients["gm@hotel-a.test"][0])
    assert codes == [451, 451, 250]


def test_unknown_user_is_refused_while_others_get_the_message(smtp_server: SMTPTestServer) -> None:
    smtp_server.fail_recipient("Nobody@Hotel-A.test", "550 5.1.1 User unknown")
    with _login(smtp_server) as client:
        refused = client.sendmail(
            "sender@jengu.test", ["nobody@hotel-a.test", "gm@hotel-a.test"], _message()
        )
    assert refused == {"nobody@hotel-a.test": (550, b"5.1.1 User unknown")}
    assert smtp_server.messages[0].rcpt_tos == ["gm@hotel-a.test"]


def test_scripted_data_rejection_raises_and_keeps_nothing(smtp_server: SMTPTestServer) -> None:
    smtp_server.fail_next("data", "554 5.7.1 Message rejected as spam")
    with _login(smtp_server) as client, pytest.raises(smtplib.SMTPDataError) as rejected:
        client.sendmail("sender@jengu.test", ["gm@hotel-a.test"], _message())
    assert rejected.value.smtp_code == 554
    assert smtp_server.messages == []


def test_mailbox_full_can_be_scripted_at_data_for_one_recipient(
    smtp_server: SMTPTestServer,
) -> None:
    smtp_server.fail_recipient("gm@hotel-a.test", "552 5.2.2 Mailbox full", stage="data")
    with _login(smtp_server) as client:
        client.sendmail("sender@jengu.test", ["sales@hotel-b.test"], _message())
        with pytest.raises(smtplib.SMTPDataError) as full:
            client.sendmail("sender@jengu.test", ["gm@hotel-a.test"], _message())
    assert full.value.smtp_code == 552
    assert [m.rcpt_tos for m in smtp_server.messages] == [["sales@hotel-b.test"]]


def test_mail_from_can_be_refused(smtp_server: SMTPTestServer) -> None:
    smtp_server.fail_next("mail", "550 5.7.1 Sender blocked")
    with _login(smtp_server) as client, pytest.raises(smtplib.SMTPSenderRefused) as refused:
        client.sendmail("sender@jengu.test", ["gm@hotel-a.test"], _message())
    assert refused.value.smtp_code == 550


def test_connection_dropped_after_data_leaves_sender_without_answer(
    smtp_server: SMTPTestServer,
) -> None:
    smtp_server.fail_next("data", DROP)
    client = _login(smtp_server)
    with pytest.raises(smtplib.SMTPServerDisconnected):
        client.sendmail("sender@jengu.test", ["gm@hotel-a.test"], _message())
    client.close()
    assert smtp_server.messages == []


def test_421_answer_closes_the_connection(smtp_server: SMTPTestServer) -> None:
    smtp_server.fail_next("rcpt", "421 4.7.0 Too many connections, closing")
    client = _login(smtp_server)
    client.mail("sender@jengu.test")
    assert client.rcpt("gm@hotel-a.test")[0] == 421
    with pytest.raises(smtplib.SMTPServerDisconnected):
        client.noop()
    client.close()


def test_one_connection_and_one_login_carry_a_batch(smtp_server: SMTPTestServer) -> None:
    with _login(smtp_server) as client:
        for n in range(3):
            client.sendmail("sender@jengu.test", ["gm@hotel-a.test"], _message(f"mail {n}"))
    with _login(smtp_server) as client:
        client.sendmail("sender@jengu.test", ["gm@hotel-a.test"], _message("later"))

    assert smtp_server.connections == 2
    assert smtp_server.auth_attempts == 2
    assert [m.connection for m in smtp_server.messages] == [1, 1, 1, 2]


def test_on_message_hook_runs_before_the_sender_gets_its_250(smtp_server_factory: Factory) -> None:
    seen: list[ReceivedMessage] = []

    def hook(message: ReceivedMessage) -> None:
        seen.append(message)
        time.sleep(0.3)

    server = smtp_server_factory(on_message=hook)
    with _login(server) as client:
        started = time.monotonic()
        client.sendmail("sender@jengu.test", ["gm@hotel-a.test"], _message())
        waited = time.monotonic() - started
    assert [m.raw for m in seen] == [server.messages[0].raw]
    assert waited >= 0.3


def test_each_test_gets_a_fresh_server(smtp_server: SMTPTestServer) -> None:
    assert (smtp_server.messages, smtp_server.connections, smtp_server.auth_attempts) == ([], 0, 0)
    assert smtp_server.inbox_env("Sales").split("|") == [
        "sender@jengu.test",
        smtp_server.password,
        "127.0.0.1",
        str(smtp_server.port),
        "Sales",
    ]


SENDER_SCRIPT = """
import smtplib, ssl, sys
host, port, user, password, ca = sys.argv[1:]
with smtplib.SMTP(host, int(port), timeout=10) as client:
    client.starttls(context=ssl.create_default_context(cafile=ca))
    client.login(user, password)
    client.sendmail(user, ["gm@hotel-a.test"], sys.stdin.buffer.read())
print("sent", flush=True)
"""


def test_hook_can_kill_the_sending_process_after_the_server_took_the_message(
    smtp_server: SMTPTestServer,
) -> None:
    senders: list[subprocess.Popen[bytes]] = []
    smtp_server.on_message = lambda _message: os.kill(senders[0].pid, signal.SIGKILL)
    argv = [smtp_server.host, str(smtp_server.port), smtp_server.username or ""]
    argv += [smtp_server.password or "", smtp_server.ca_file]
    senders.append(
        subprocess.Popen(
            [sys.executable, "-c", SENDER_SCRIPT, *argv],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
    )
    out, _ = senders[0].communicate(_message(), timeout=20)

    assert senders[0].returncode == -signal.SIGKILL
    assert out == b""
    assert [m.raw for m in smtp_server.wait_for_messages(1)] == [_message()]
