"""Shared set-up for the sending tests: an SMTP inbox pointed at the test server."""

from __future__ import annotations

from datetime import datetime
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from typing import Any, cast
from zoneinfo import ZoneInfo

from inboxes.models import Inbox
from outreach.models import Campaign, Enrollment
from outreach.services import enroll
from tests.factories import CampaignFactory, ContactFactory, InboxFactory

LISBON = ZoneInfo("Europe/Lisbon")
# Tuesday 1 December 2026, 10:00 in Lisbon: inside the default Mon-Fri 9-17 window.
TUESDAY_10 = datetime(2026, 12, 1, 10, 0, tzinfo=LISBON)


def smtp_inbox(server: Any, settings: Any, **fields: Any) -> Inbox:
    settings.JENGU = {**settings.JENGU, "SMTP_CA_FILE": server.ca_file}
    defaults = {
        "provider": Inbox.Provider.SMTP,
        "smtp_host": server.host,
        "smtp_port": server.port,
        "username": server.username,
        "password": server.password,
        "address": "outreach@sender.example",
    }
    return InboxFactory(**{**defaults, **fields})


def smtp_imap_inbox(server: Any, user: Any, settings: Any, **fields: Any) -> Inbox:
    """An SMTP inbox whose IMAP side (replies, the Sent folder) is the Dovecot account ``user``
    (an ``ImapUser``; the SMTP server must take the same login, as most providers do)."""
    imap = {"address": user.name, "imap_host": user.host, "imap_port": user.port}
    return smtp_inbox(server, settings, **{**imap, **fields})


def enrolled(
    campaign: Campaign | None = None, *, now: datetime = TUESDAY_10, n: int = 1, **contact: Any
) -> list[Enrollment]:
    campaign = campaign or CampaignFactory()
    rows = []
    for _ in range(n):
        c = ContactFactory(**contact)
        rows.append(enroll(contact=c, campaign=campaign, now=now)[0])
    return rows


def parsed(raw: bytes) -> EmailMessage:
    return cast(EmailMessage, message_from_bytes(raw, policy=default))


def header_line(raw: bytes, name: str) -> str:
    """The header's physical line(s) exactly as sent (to check folding and encoding)."""
    head = raw.split(b"\r\n\r\n", 1)[0].decode()
    lines = head.split("\r\n")
    for i, line in enumerate(lines):
        if line.lower().startswith(name.lower() + ":"):
            out = [line]
            out += [nxt for nxt in lines[i + 1 :] if nxt[:1] in (" ", "\t")]
            return "\r\n".join(out)
    raise AssertionError(f"{name} not in the message")
