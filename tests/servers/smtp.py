"""A real SMTP submission server for tests (aiosmtpd), on 127.0.0.1 and a free port.

Modes: ``starttls`` (like port 587: STARTTLS offered, AUTH only after it), ``implicit`` (like 465:
TLS from the first byte) and ``plain`` (no TLS; AUTH allowed in the clear, as Jengu allows to a
loopback host). Certificates come from the test CA in ``tests.servers.certs``.

Tests script the server's answers (``fail_next``, ``fail_recipient``) and read what arrived
(``messages``), how many connections were opened and how many AUTH attempts were made.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any, Literal, Self, cast

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

from tests.servers import certs

Mode = Literal["starttls", "implicit", "plain"]
Stage = Literal["mail", "rcpt", "data"]

DROP = "drop"  # a scripted answer that closes the connection without replying
AUTH_REQUIRED = "530 5.7.0 Authentication required"
USERNAME, PASSWORD = "sender@jengu.test", "correct-horse-battery"


class _QuietLoginDataWarning(logging.Filter):
    # aiosmtpd itself sets the deprecated Session.login_data on every successful AUTH
    def filter(self, record: logging.LogRecord) -> bool:
        return "login_data is deprecated" not in record.getMessage()


logging.getLogger("mail.log").addFilter(_QuietLoginDataWarning())


@dataclass
class ReceivedMessage:
    mail_from: str
    rcpt_tos: list[str]
    raw: bytes  # the DATA payload exactly as received (dot-unstuffed, CRLF line ends)
    login: str | None  # the AUTH identity the client used, if any
    connection: int  # 1-based number of the connection that carried it
    received_at: float = field(default_factory=time.monotonic)  # for timing tests

    @property
    def parsed(self) -> EmailMessage:
        return cast(EmailMessage, email.message_from_bytes(self.raw, policy=email.policy.default))


@dataclass
class _Script:
    reply: str
    remaining: int | None  # None: answer this way for ever


class SMTPTestServer:
    """``with SMTPTestServer() as smtp: ...; smtp.messages[0].parsed["Subject"]``."""

    def __init__(
        self,
        *,
        mode: Mode = "starttls",
        username: str | None = USERNAME,
        password: str | None = PASSWORD,
        require_starttls: bool = False,
        on_message: Callable[[ReceivedMessage], None] | None = None,
        hostname: str = "smtp.jengu.test",
        port: int = 0,
    ) -> None:
        self.mode = mode
        self.username = username
        self.password = password
        self.on_message = on_message
        self.messages: list[ReceivedMessage] = []
        self.connections = 0
        self.auth_attempts = 0
        self.failed_auth_attempts = 0
        self._lock = threading.Lock()
        self._next: dict[Stage, deque[str]] = {"mail": deque(), "rcpt": deque(), "data": deque()}
        self._per_rcpt: dict[tuple[Stage, str], _Script] = {}
        self._controller = self._make_controller(require_starttls, hostname, port)

    def _make_controller(self, require_starttls: bool, hostname: str, port: int) -> _Controller:
        kwargs: dict[str, Any] = {
            "server_hostname": hostname,  # also avoids a slow getfqdn() lookup
            "authenticator": self._authenticate,
            # aiosmtpd only knows about STARTTLS; an implicit-TLS connection is always encrypted
            "auth_require_tls": self.mode == "starttls",
        }
        if self.mode == "implicit":
            kwargs["ssl_context"] = certs.server_context()
        elif self.mode == "starttls":
            kwargs["tls_context"] = certs.server_context()
            kwargs["require_starttls"] = require_starttls
        return _Controller(self, _Handler(self), port=port, **kwargs)

    # -- lifecycle -----------------------------------------------------------------------
    def start(self) -> Self:
        self._controller.start()
        # start() opened a probe connection of its own; tests count only theirs
        self.connections = 0
        return self

    def stop(self) -> None:
        if self._controller._thread is not None:
            self._controller.stop()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def host(self) -> str:
        return "127.0.0.1"

    @property
    def port(self) -> int:
        return int(self._controller.port)

    @property
    def ca_file(self) -> str:
        return certs.ca_file()

    def inbox_env(self, display_name: str = "Jengu Test") -> str:
        """An ``SMTP_INBOX_N`` value (the seed's ``email|password|host|port|displayName``)."""
        return f"{self.username}|{self.password}|{self.host}|{self.port}|{display_name}"

    # -- scripting -----------------------------------------------------------------------
    def fail_next(self, stage: Stage, reply: str, times: int = 1) -> None:
        """Answer the next ``times`` MAIL/RCPT/DATA commands with ``reply`` (or ``DROP``).

        A ``421`` reply also closes the connection, as real servers do.
        """
        with self._lock:
            self._next[stage].extend([reply] * times)

    def fail_recipient(
        self,
        address: str,
        reply: str,
        *,
        times: int | None = None,
        stage: Literal["rcpt", "data"] = "rcpt",
    ) -> None:
        """Answer RCPT (or DATA for a message to it) for ``address``; ``times=None``: always."""
        with self._lock:
            self._per_rcpt[(stage, address.lower())] = _Script(reply, times)

    def reset(self) -> None:
        """Forget received messages, counters and scripted answers."""
        with self._lock:
            self.messages.clear()
            self.connections = self.auth_attempts = self.failed_auth_attempts = 0
            for queue in self._next.values():
                queue.clear()
            self._per_rcpt.clear()

    def wait_for_messages(self, count: int, timeout: float = 5.0) -> list[ReceivedMessage]:
        """For senders in another thread or process: wait until ``count`` messages arrived."""
        deadline = time.monotonic() + timeout
        while len(self.messages) < count:
            if time.monotonic() > deadline:
                raise TimeoutError(f"{len(self.messages)} of {count} messages arrived")
            time.sleep(0.01)
        return list(self.messages)

    def _scripted(self, stage: Stage, addresses: list[str]) -> str | None:
        with self._lock:
            for address in addresses:
                script = self._per_rcpt.get((stage, address.lower()))
                if script is None or script.remaining == 0:
                    continue
                if script.remaining is not None:
                    script.remaining -= 1
                return script.reply
            return self._next[stage].popleft() if self._next[stage] else None

    # -- server side (runs in the aiosmtpd event-loop thread) ---------------------------
    def _connection_opened(self) -> int:
        with self._lock:
            self.connections += 1
            return self.connections

    def _authenticate(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any
    ) -> AuthResult:
        with self._lock:
            self.auth_attempts += 1
        ok = (
            isinstance(data, LoginPassword)
            and data.login.decode() == self.username
            and data.password.decode() == self.password
        )
        if ok:
            return AuthResult(success=True, auth_data=data)
        with self._lock:
            self.failed_auth_attempts += 1
        # handled=False makes aiosmtpd answer "535 5.7.8"; True would send no answer at all
        return AuthResult(success=False, handled=False)

    def _record(self, session: Session, envelope: Envelope) -> ReceivedMessage:
        auth = session.auth_data
        message = ReceivedMessage(
            mail_from=envelope.mail_from or "",
            rcpt_tos=list(envelope.rcpt_tos),
            raw=bytes(envelope.original_content or b""),
            login=auth.login.decode() if isinstance(auth, LoginPassword) else None,
            connection=getattr(session, "connection_number", 0),
        )
        with self._lock:
            self.messages.append(message)
        return message


class _Handler:
    def __init__(self, owner: SMTPTestServer) -> None:
        self.owner = owner

    async def handle_MAIL(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if self.owner.username is not None and not session.authenticated:
            return AUTH_REQUIRED
        scripted = self.owner._scripted("mail", [])
        if scripted:
            return await _scripted_answer(server, scripted)
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 OK"

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        scripted = self.owner._scripted("rcpt", [address])
        if scripted:
            return await _scripted_answer(server, scripted)
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(options)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        scripted = self.owner._scripted("data", list(envelope.rcpt_tos))
        if scripted:
            return await _scripted_answer(server, scripted)
        message = self.owner._record(session, envelope)
        if self.owner.on_message is not None:
            # before the 250 goes out: a hook that kills the sender leaves it not knowing
            self.owner.on_message(message)
        return "250 2.0.0 OK: queued"


async def _scripted_answer(server: SMTP, reply: str) -> str:
    """Return ``reply`` for aiosmtpd to send, or hang up as a ``421``/``DROP`` server does."""
    if reply != DROP and not reply.startswith("421"):
        return reply
    if reply != DROP:
        await server.push(reply)
    assert server.transport is not None
    server.transport.close()
    # connection_lost() cancels this handler task; nothing more is sent
    await asyncio.sleep(3600)
    return reply


class _CountingSMTP(SMTP):
    def __init__(self, owner: SMTPTestServer, handler: Any, **kwargs: Any) -> None:
        self._owner = owner
        self._connection_number = 0
        super().__init__(handler, **kwargs)

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        if self._original_transport is None:  # STARTTLS calls this again on the same connection
            self._connection_number = self._owner._connection_opened()
        super().connection_made(transport)
        # connection_made() makes a fresh Session, so tag it every time
        assert self.session is not None
        self.session.connection_number = self._connection_number  # type: ignore[attr-defined]


class _Controller(Controller):
    def __init__(
        self, owner: SMTPTestServer, handler: _Handler, *, port: int = 0, **kwargs: Any
    ) -> None:
        # port=0: a free port; a fixed one (e.g. 465, as root) for code that decides by port
        super().__init__(handler, hostname="127.0.0.1", port=port, **kwargs)
        self._owner = owner

    def factory(self) -> SMTP:
        return _CountingSMTP(self._owner, self.handler, **self.SMTP_kwargs)

    def _trigger_server(self) -> None:
        # with port=0 the OS chose; read it back before aiosmtpd probes the server
        assert isinstance(self.server, asyncio.Server)
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()
