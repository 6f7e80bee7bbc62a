"""IMAP: implicit TLS on 993, STARTTLS otherwise (required unless loopback/plaintext allowed)."""

from __future__ import annotations

import imaplib
import logging
from collections.abc import Iterator
from contextlib import contextmanager, suppress

from django.conf import settings

from inboxes.clients.tls import client_context, is_loopback
from inboxes.models import Inbox

log = logging.getLogger(__name__)
TIMEOUT = 30


class IMAPError(Exception):
    pass


@contextmanager
def connect(inbox: Inbox) -> Iterator[imaplib.IMAP4]:
    host, port = inbox.imap_host, inbox.imap_port
    if not host:
        raise IMAPError(f"inbox {inbox.key} has no IMAP host")
    try:
        if port == 993:
            conn: imaplib.IMAP4 = imaplib.IMAP4_SSL(
                host, port, ssl_context=client_context(), timeout=TIMEOUT
            )
        else:
            conn = imaplib.IMAP4(host, port, timeout=TIMEOUT)
            if "STARTTLS" in conn.capabilities:
                conn.starttls(ssl_context=client_context())
            elif not (is_loopback(host) or settings.JENGU["SMTP_ALLOW_PLAINTEXT"]):
                conn.logout()
                raise IMAPError(f"{host} offers no TLS; refusing to send the password")
        conn.login(inbox.username or inbox.address, inbox.password)
    except (imaplib.IMAP4.error, OSError) as exc:
        raise IMAPError(f"IMAP {host}:{port}: {exc}") from exc
    try:
        yield conn
    finally:
        with suppress(imaplib.IMAP4.error, OSError):
            conn.logout()


def _quote(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def sent_folder(conn: imaplib.IMAP4, inbox: Inbox) -> str | None:
    """The configured Sent folder, else the one flagged \\Sent (RFC 6154), else "Sent"."""
    if inbox.imap_sent_folder:
        return inbox.imap_sent_folder
    status, lines = conn.list()
    if status == "OK":
        for line in lines:
            text = line.decode(errors="replace") if isinstance(line, bytes) else str(line)
            if "\\Sent" in text:
                return text.rsplit(" ", 1)[-1].strip('"')
    return "Sent"


def find_in_sent(inbox: Inbox, message_id: str) -> bool | None:
    """True/False when the Sent folder answered; None when it could not be searched."""
    try:
        with connect(inbox) as conn:
            folder = sent_folder(conn, inbox)
            status, _ = conn.select(_quote(folder or "Sent"), readonly=True)
            if status != "OK":
                return None
            status, data = conn.uid("SEARCH", "HEADER", "Message-ID", _quote(message_id))
            return status == "OK" and bool(data and data[0] and data[0].split())
    except (IMAPError, imaplib.IMAP4.error, OSError) as exc:
        log.warning("sent-folder lookup failed", extra={"inbox": inbox.key, "error": str(exc)})
        return None
