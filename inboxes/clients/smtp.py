"""SMTP submission: implicit TLS on 465, STARTTLS elsewhere whenever offered, AUTH, timeouts.

One connection is reused for a batch of sends; ``close()`` ends it. AUTH without TLS is refused
unless the host is loopback or SMTP_ALLOW_PLAINTEXT=true.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
import time

from django.conf import settings

from inboxes.bounces import classify_smtp_error
from inboxes.clients.base import SendResult
from inboxes.clients.tls import client_context, is_loopback
from inboxes.models import Inbox

log = logging.getLogger(__name__)
# A connection used less than this many seconds ago is sent on without a NOOP first: in a busy
# pass the check would cost one round trip per email. A server that hung up since then makes
# the send "unavailable" (retried later, never lost) and the next send reconnects.
NOOP_AFTER_IDLE = 5.0


class PlaintextAuthRefused(Exception):
    pass


class SMTPTransport:
    def __init__(self, inbox: Inbox) -> None:
        self.inbox = inbox
        self.conn: smtplib.SMTP | None = None
        self.used_at = 0.0  # time.monotonic() of the last exchange on ``conn``

    # -- connection ------------------------------------------------------------------------
    def _connect(self) -> smtplib.SMTP:
        inbox, timeout = self.inbox, settings.JENGU["SMTP_TIMEOUT"]
        local_hostname = inbox.domain or None
        if inbox.smtp_port == 465:
            conn: smtplib.SMTP = smtplib.SMTP_SSL(
                inbox.smtp_host,
                inbox.smtp_port,
                local_hostname=local_hostname,
                timeout=timeout,
                context=client_context(),
            )
        else:
            conn = smtplib.SMTP(
                inbox.smtp_host, inbox.smtp_port, local_hostname=local_hostname, timeout=timeout
            )
            conn.ehlo()
            if conn.has_extn("starttls"):
                conn.starttls(context=client_context())
                conn.ehlo()
        if inbox.password:
            self._login(conn)
        return conn

    def _login(self, conn: smtplib.SMTP) -> None:
        tls = isinstance(conn, smtplib.SMTP_SSL) or isinstance(conn.sock, ssl.SSLSocket)
        if not (tls or is_loopback(self.inbox.smtp_host) or settings.JENGU["SMTP_ALLOW_PLAINTEXT"]):
            conn.close()
            raise PlaintextAuthRefused(
                f"{self.inbox.smtp_host} offers no TLS; refusing to send the password in the "
                "clear (set SMTP_ALLOW_PLAINTEXT=true to allow it)"
            )
        conn.login(self.inbox.username or self.inbox.address, self.inbox.password)

    def _connection(self) -> smtplib.SMTP:
        if self.conn is not None:
            if time.monotonic() - self.used_at < NOOP_AFTER_IDLE:
                return self.conn
            try:
                if self.conn.noop()[0] == 250:
                    return self.conn
            except (smtplib.SMTPException, OSError):
                pass
            self.close()
        self.conn = self._connect()
        return self.conn

    def close(self) -> None:
        if self.conn is not None:
            try:
                self.conn.quit()
            except (smtplib.SMTPException, OSError):
                self.conn.close()
            self.conn = None

    # -- sending ---------------------------------------------------------------------------
    def send(self, *, raw: bytes, mail_from: str, recipients: list[str]) -> SendResult:
        try:
            conn = self._connection()
            refused = conn.sendmail(mail_from, recipients, raw)
            self.used_at = time.monotonic()
        except smtplib.SMTPAuthenticationError as exc:
            self.close()
            return SendResult("auth", code=exc.smtp_code, message=_text(exc.smtp_error))
        except PlaintextAuthRefused as exc:
            return SendResult("auth", message=str(exc))
        except smtplib.SMTPRecipientsRefused as exc:
            code, text = next(iter(exc.recipients.values()))
            return self._rejected(code, text, recipients[0])
        except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as exc:
            if exc.smtp_code == 421:
                self.close()
            return self._rejected(exc.smtp_code, exc.smtp_error, recipients[0])
        except smtplib.SMTPResponseException as exc:
            self.close()
            return self._rejected(exc.smtp_code, exc.smtp_error, recipients[0])
        except (TimeoutError, smtplib.SMTPException, OSError, ssl.SSLError) as exc:
            self.close()
            return SendResult("unavailable", message=f"{type(exc).__name__}: {exc}", temporary=True)
        if refused:
            code, text = next(iter(refused.values()))
            return self._rejected(code, text, next(iter(refused)))
        return SendResult("accepted")

    @staticmethod
    def _rejected(code: int, text: bytes | str, recipient: str) -> SendResult:
        verdict = classify_smtp_error(code, text, recipient=recipient)
        return SendResult(
            "rejected", code=code, message=_text(text), temporary=400 <= code < 500, verdict=verdict
        )

    def find_sent(self, message_id: str) -> bool | None:
        from inboxes.clients.imap import find_in_sent

        return find_in_sent(self.inbox, message_id)


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
