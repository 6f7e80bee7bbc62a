"""django-q2 entry points for inboxes."""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)


def check_replies() -> str:
    log.warning("check_replies: not implemented yet (the Inbound issue fills this in)")
    return "not implemented yet"
