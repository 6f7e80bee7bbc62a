"""django-q2 entry points for the prospects pipeline."""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)


def daily_pipeline() -> str:
    log.warning("daily_pipeline: not implemented yet (the Prospects pipeline issue fills this in)")
    return "not implemented yet"
