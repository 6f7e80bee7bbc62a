"""Checking one inbox for new mail: a claim so one check runs per inbox at a time, a reader
circuit so a failing server backs off, and the cursor saved once every message of the batch is
stored, flagged or dead-lettered.

A batch is stored at once (``inbound_batch``); one that cannot be is stored again message by
message, each in its own savepoints. One that cannot be stored whole is kept as a bare flagged
row or, failing that, a dead letter (``inbound_store.quarantine``), and the batch goes on: a
single hostile message must never stop an inbox from being read. Only when even the dead
letter fails (database or storage down) does the check fail and keep its cursor.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.db.models import Q
from django.utils import timezone

from core.models import DeadLetter
from core.services import deadletter_create
from inboxes.clients.readers import commit, read_new
from inboxes.models import Inbox
from outreach.services.inbound_batch import ingest_batch

log = logging.getLogger(__name__)
LOCK = timedelta(minutes=3)
MAX_BACKOFF = timedelta(minutes=30)
DEAD_LETTER_AFTER = 5
CHECK_TASK = "outreach.tasks.check_inbox"  # the per-inbox task; what a dead letter replays


def readable(inbox: Inbox) -> bool:
    if not inbox.reader_enabled or inbox.status == Inbox.Status.DISABLED:
        return False
    return inbox.provider != Inbox.Provider.SMTP or bool(inbox.imap_host)


def readable_inbox_ids() -> list[int]:
    return [i.pk for i in Inbox.objects.exclude(status=Inbox.Status.DISABLED) if readable(i)]


def _claim(inbox_id: int) -> Inbox | None:
    now = timezone.now()
    got = Inbox.objects.filter(
        Q(reader_lock_until__isnull=True) | Q(reader_lock_until__lt=now),
        Q(reader_retry_at__isnull=True) | Q(reader_retry_at__lte=now),
        pk=inbox_id,
    ).update(reader_lock_until=now + LOCK)
    return Inbox.objects.get(pk=inbox_id) if got else None


def _failed(inbox: Inbox, exc: Exception) -> None:
    failures = inbox.reader_failures + 1
    backoff = min(timedelta(minutes=2 ** (failures - 1)), MAX_BACKOFF)
    Inbox.objects.filter(pk=inbox.pk).update(
        reader_failures=failures,
        reader_error=f"{type(exc).__name__}: {exc}"[:2000],
        reader_retry_at=timezone.now() + backoff,
        reader_lock_until=None,
    )
    log.warning(
        "reply check failed",
        extra={"inbox": inbox.key, "failures": failures, "error": str(exc)[:300]},
    )
    if failures == DEAD_LETTER_AFTER:
        deadletter_create(
            kind=DeadLetter.Kind.INBOUND,
            error=str(exc),
            attempts=failures,
            task_name=CHECK_TASK,
            payload={"args": [inbox.pk]},
            obj=inbox,
        )


def check_inbox(inbox_id: int) -> dict[str, Any]:
    inbox = _claim(inbox_id)
    if inbox is None:
        return {"inbox": inbox_id, "skipped": "already being checked, or backing off"}
    created = quarantined = 0
    try:
        batch = read_new(inbox)
        created, quarantined = ingest_batch(inbox=inbox, messages=batch.messages)
        commit(inbox, batch)
    except Exception as exc:  # the server, the network or storage: back off, keep the cursor
        _failed(inbox, exc)
        return {"inbox": inbox.key, "error": str(exc)[:300], "stored": created}
    Inbox.objects.filter(pk=inbox.pk).update(
        last_checked_at=timezone.now(),
        reader_failures=0,
        reader_error="",
        reader_retry_at=None,
        reader_lock_until=None,
    )
    return {
        "inbox": inbox.key,
        "fetched": len(batch.messages),
        "stored": created,
        "quarantined": quarantined,
        "uidvalidity_reset": batch.reset,
    }
