"""django-q2 entry points for sending."""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)


def send_due(count: int | None = None) -> str:
    log.warning("send_due: not implemented yet (the Sending issue fills this in)")
    return "not implemented yet"


def reconcile_expired() -> str:
    log.warning("reconcile_expired: not implemented yet (the Sending issue fills this in)")
    return "not implemented yet"
