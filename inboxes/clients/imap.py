"""IMAP: implicit TLS on 993, STARTTLS otherwise (required unless loopback/plaintext allowed)."""

from __future__ import annotations

import base64
import imaplib
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any

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


def quote(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


# A name already in modified UTF-7: "&" only ever opens a base64 run closed by "-" ("&-" is "&").
_SHIFTED = re.compile(r"&[A-Za-z0-9+,]*-")


def mailbox_name(name: str) -> str:
    """A folder name as IMAP sends it: modified UTF-7 (RFC 3501 5.1.3), e.g. Outlook's French
    "Éléments envoyés" is "&AMk-l&AOk-ments envoy&AOk-s". A name already in that form (as LIST
    returns it, or as copied from a mail client's settings) is kept as it is."""
    if name.isascii() and "&" not in _SHIFTED.sub("", name):
        return name
    out: list[str] = []
    run: list[str] = []  # characters outside printable ASCII, sent as one base64 run

    def close_run() -> None:
        if run:
            data = base64.b64encode("".join(run).encode("utf-16-be")).decode()
            out.append("&" + data.rstrip("=").replace("/", ",") + "-")
            run.clear()

    for char in name:
        if " " <= char <= "~":
            close_run()
            out.append("&-" if char == "&" else char)
        else:
            run.append(char)
    close_run()
    return "".join(out)


def quote_mailbox(name: str) -> str:
    return quote(mailbox_name(name))


# One LIST answer: (flags) delimiter name; the name is an atom, a quoted string or a literal.
_LIST_LINE = re.compile(r'^\((?P<flags>[^)]*)\) (?:"(?:[^"\\]|\\.)*"|NIL) (?P<name>.*)$', re.I)


def special_use_folder(lines: list[Any], flag: str = "\\Sent") -> str | None:
    """The mailbox that LIST marks with ``flag`` (RFC 6154), e.g. "[Gmail]/Sent Mail"."""
    for line in lines:
        literal = None
        if isinstance(line, tuple):  # imaplib: (b'(\\Sent) "/" {9}', b'Sent Mail')
            line, literal = line[0], line[1].decode(errors="replace")
        if not isinstance(line, bytes | str):
            continue
        text = line.decode(errors="replace") if isinstance(line, bytes) else line
        found = _LIST_LINE.match(text.strip())
        if not found or flag.lower() not in found["flags"].lower().split():
            continue
        name = literal if literal is not None else found["name"]
        if name.startswith('"') and name.endswith('"') and len(name) > 1:
            name = re.sub(r"\\(.)", r"\1", name[1:-1])
        return name
    return None


def sent_folder(conn: imaplib.IMAP4, inbox: Inbox) -> str | None:
    """The configured Sent folder, else the one flagged \\Sent (RFC 6154), else "Sent"."""
    if inbox.imap_sent_folder:
        return inbox.imap_sent_folder
    status, lines = conn.list()
    flagged = special_use_folder(lines) if status == "OK" else None
    return flagged or "Sent"


def find_in_sent(inbox: Inbox, message_id: str) -> bool | None:
    """True/False when the Sent folder answered; None when it could not be searched."""
    try:
        with connect(inbox) as conn:
            folder = sent_folder(conn, inbox)
            status, _ = conn.select(quote_mailbox(folder or "Sent"), readonly=True)
            if status != "OK":
                return None
            status, data = conn.uid("SEARCH", "HEADER", "Message-ID", quote(message_id))
            return status == "OK" and bool(data and data[0] and data[0].split())
    except (IMAPError, imaplib.IMAP4.error, OSError) as exc:
        log.warning("sent-folder lookup failed", extra={"inbox": inbox.key, "error": str(exc)})
        return None
