"""Retention of stored raw inbound mail (``JENGU_RAW_MAIL_RETENTION_DAYS``): the ``.eml`` of a
message older than N days is deleted from the storage backend and its reference cleared; the
parsed message (headers, text, classification) stays. 0 keeps raw mail forever.

Run daily by the "Raw mail retention" schedule and by ``manage.py purge_raw_mail``.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.files.storage import default_storage
from django.db.models import Q

from outreach.models import InboundMessage

log = logging.getLogger(__name__)
BATCH = 500


def raw_mail_expired(*, now: datetime, days: int) -> Q:
    cutoff = now - timedelta(days=days)
    return ~Q(raw="") & (
        Q(received_at__lt=cutoff) | Q(received_at__isnull=True, created_at__lt=cutoff)
    )


def raw_mail_purge(*, now: datetime, days: int | None = None) -> int:
    """Delete the raw mail older than ``days`` (default: the setting). Returns how many
    messages lost their raw file. Idempotent: a file already gone is not an error; a file
    the storage refuses to delete keeps its reference, for the next run."""
    days = settings.JENGU["RAW_MAIL_RETENTION_DAYS"] if days is None else days
    if days <= 0:
        return 0
    purged, after = 0, 0
    while True:  # by primary key: files the storage refused stay behind, the rest go on
        batch = list(
            InboundMessage.objects.filter(raw_mail_expired(now=now, days=days), pk__gt=after)
            .order_by("pk")
            .values_list("pk", "raw")[:BATCH]
        )
        done = [pk for pk, name in batch if _delete(name)]
        purged += InboundMessage.objects.filter(pk__in=done).update(raw="")
        if len(batch) < BATCH:
            return purged
        after = batch[-1][0]


def _delete(name: str) -> bool:
    try:
        default_storage.delete(name)
    except Exception:
        log.exception("raw mail %s not deleted; kept for the next retention run", name)
        return False
    return True
