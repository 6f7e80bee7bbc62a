"""Maildir: the offline default. Sending writes the exact RFC 5322 bytes.

Layout under JENGU_MAILDIR_ROOT (or the inbox's own path):
  <inbox>/            the inbox's INBOX, where replies land (read by the reply checker)
  <inbox>/.Sent/      our copy of every message sent (reconciliation looks here)
  _outbox/            every message "delivered to the world" (the demo responder reads it)
"""

from __future__ import annotations

import mailbox
from email.parser import BytesHeaderParser
from email.policy import default as default_policy
from pathlib import Path

from django.conf import settings

from inboxes.clients.base import SendResult
from inboxes.models import Inbox


def inbox_path(inbox: Inbox) -> Path:
    return Path(inbox.maildir_path or Path(settings.JENGU["MAILDIR_ROOT"]) / inbox.key)


def outbox_path() -> Path:
    return Path(settings.JENGU["MAILDIR_ROOT"]) / "_outbox"


def open_maildir(path: Path) -> mailbox.Maildir:
    # mailbox.Maildir(create=True) only makes tmp/new/cur for a folder that does not exist yet;
    # an inbox folder first made as the parent of .Sent would be left without them.
    for sub in ("tmp", "new", "cur"):
        (path / sub).mkdir(parents=True, exist_ok=True)
    return mailbox.Maildir(str(path), factory=None, create=True)


class MaildirTransport:
    def __init__(self, inbox: Inbox) -> None:
        self.inbox = inbox

    def send(self, *, raw: bytes, mail_from: str, recipients: list[str]) -> SendResult:
        try:
            key = open_maildir(outbox_path()).add(raw)
            open_maildir(inbox_path(self.inbox) / ".Sent").add(raw)
        except OSError as exc:
            return SendResult("unavailable", message=f"maildir: {exc}", temporary=True)
        return SendResult("accepted", provider_message_id=key)

    def find_sent(self, message_id: str) -> bool | None:
        sent = inbox_path(self.inbox) / ".Sent"
        if not sent.exists():
            return False
        parser = BytesHeaderParser(policy=default_policy)
        for sub in ("new", "cur"):
            for file in (sent / sub).iterdir():
                with file.open("rb") as fh:
                    if (parser.parse(fh).get("Message-ID") or "").strip() == message_id:
                        return True
        return False

    def close(self) -> None:
        pass
