"""IMAP through imapclient: implicit TLS on 993, STARTTLS otherwise (required unless the host is
loopback or SMTP_ALLOW_PLAINTEXT is set).

imapclient parses the server's answers (SELECT's UIDVALIDITY, SEARCH's UIDs, FETCH's literals,
LIST's flags and names) and encodes folder names in modified UTF-7 (RFC 3501 5.1.3) on the way
out and decodes them on the way back, so none of that is written here.
"""

from __future__ import annotations

import logging
import ssl
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from imapclient import IMAPClient, imap_utf7
from imapclient.exceptions import IMAPClientError
from imapclient.imapclient import SENT

from inboxes.clients.base import Batch, Fetched
from inboxes.clients.tls import client_context, is_loopback
from inboxes.models import Inbox

log = logging.getLogger(__name__)
TIMEOUT = 30
IMPLICIT_TLS_PORT = 993  # IMAPS; any other port uses STARTTLS
# What a refusing server (NO/BAD, a failed login or SELECT) or the network raises.
FAILURES = (IMAPClientError, OSError)


class IMAPError(Exception):
    pass


@contextmanager
def connect(inbox: Inbox) -> Iterator[IMAPClient]:
    """A logged-in connection; any server or network failure comes out as ``IMAPError``."""
    if not inbox.imap_host:
        raise IMAPError(f"inbox {inbox.key} has no IMAP host")
    login = inbox.username or inbox.address
    with connect_to(inbox.imap_host, inbox.imap_port, login, inbox.password) as conn:
        yield conn


@contextmanager
def connect_to(host: str, port: int, login: str, password: str) -> Iterator[IMAPClient]:
    """``connect`` for any mailbox (a placement seed is not an inbox of ours)."""
    try:
        context = client_context()
        implicit = port == IMPLICIT_TLS_PORT
        with IMAPClient(host, port, ssl=implicit, ssl_context=context, timeout=TIMEOUT) as conn:
            if not implicit:
                _starttls(conn, host, context)
            conn.login(login, password)
            yield conn  # leaving the block logs out, or closes the socket of a dead server
    except FAILURES as exc:
        raise IMAPError(f"IMAP {host}:{port}: {exc}") from exc


def _starttls(conn: IMAPClient, host: str, context: ssl.SSLContext) -> None:
    if conn.has_capability("STARTTLS"):
        conn.starttls(context)
    elif not (is_loopback(host) or settings.JENGU["SMTP_ALLOW_PLAINTEXT"]):
        raise IMAPError(f"{host} offers no TLS; refusing to send the password")


def folder_name(name: str) -> str:
    """A configured folder name as imapclient wants it: in Unicode, since it does the encoding.

    A name already in modified UTF-7 (copied from a mail client's settings, e.g.
    "[Gmail]/Messages envoy&AOk-s") is decoded first, so it is not encoded a second time."""
    if not name.isascii() or "&" not in name:
        return name
    try:
        decoded = imap_utf7.decode(name.encode())
    except UnicodeDecodeError:  # "R&D": a plain ampersand, not a shifted run
        return name
    return decoded if imap_utf7.encode(decoded) == name.encode() else name


def fetch_new(inbox: Inbox, limit: int) -> Batch:
    """Messages above the saved UID, oldest first; everything again if UIDVALIDITY changed."""
    with connect(inbox) as conn:
        folder = folder_name(inbox.imap_folder or "INBOX")
        selected = conn.select_folder(folder, readonly=inbox.imap_readonly)
        uidvalidity = int(selected[b"UIDVALIDITY"])
        reset = inbox.imap_uidvalidity is not None and uidvalidity != inbox.imap_uidvalidity
        last = 0 if reset else inbox.imap_last_uid
        # "n:*" always matches the highest UID, even when it is below n: filter.
        uids = sorted(uid for uid in conn.search(["UID", f"{last + 1}:*"]) if uid > last)[:limit]
        fetched = conn.fetch(uids, ["BODY.PEEK[]"])  # PEEK: reading leaves \Seen to the user
    bodies = {uid: data.get(b"BODY[]") for uid, data in fetched.items()}
    if missing := [uid for uid in uids if bodies.get(uid) is None]:  # expunged meanwhile
        log.warning("IMAP messages gone before FETCH", extra={"inbox": inbox.key, "uids": missing})
    messages = [Fetched(bodies[uid], str(uid)) for uid in uids if bodies.get(uid) is not None]
    cursor = {"imap_uidvalidity": uidvalidity, "imap_last_uid": max(uids, default=last)}
    return Batch(messages=messages, cursor=cursor, reset=reset)


def sent_folder(conn: IMAPClient, inbox: Inbox) -> str | None:
    """The configured Sent folder, else the one LIST flags \\Sent (RFC 6154 SPECIAL-USE).

    imapclient guesses by the usual names ("Sent", "Sent Items", ...) only when the server
    flags no folder, and only among folders that exist."""
    if inbox.imap_sent_folder:
        return folder_name(inbox.imap_sent_folder)
    return conn.find_special_folder(SENT)


def find_in_sent(inbox: Inbox, message_id: str) -> bool | None:
    """True/False when the Sent folder answered; None when it could not be searched."""
    try:
        with connect(inbox) as conn:
            folder = sent_folder(conn, inbox)
            if folder is None:
                raise IMAPError("no folder is flagged \\Sent and none has a usual Sent name")
            conn.select_folder(folder, readonly=True)
            return bool(conn.search(["HEADER", "Message-ID", message_id]))
    except IMAPError as exc:
        log.warning("sent-folder lookup failed", extra={"inbox": inbox.key, "error": str(exc)})
        return None
