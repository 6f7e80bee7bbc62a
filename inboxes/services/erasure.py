"""Erasing a person from the inboxes (GDPR): a mailbox's last error may quote a recipient
("550 5.1.1 <ana@hotel.example> unknown"); such an error is replaced, the health stays."""

from __future__ import annotations

from core.erasure import ERASED, text_q
from inboxes.models import Inbox


def inbox_errors_scrub(*, needles: list[str]) -> int:
    scrubbed = Inbox.objects.filter(text_q(("last_error",), needles)).update(last_error=ERASED)
    return scrubbed + Inbox.objects.filter(text_q(("reader_error",), needles)).update(
        reader_error=ERASED
    )
