"""Weekly maintenance (``0 6 * * 0``)."""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)


def run_weekly() -> str:
    log.warning("weekly_maintenance: not implemented yet (the Operations issue fills this in)")
    return "not implemented yet"
