"""django-q2 entry points of outreach: sending, drafting ahead, reply checks."""

from __future__ import annotations

import logging
from typing import Any

from django.utils import timezone
from django_q.tasks import async_task

from core.tasking import enqueue
from outreach import services
from outreach.services import drafting, reader, replies_answer, retention

log = logging.getLogger(__name__)
PASS_SECONDS = 200  # under the 5-minute cron and Q_CLUSTER's timeout
CHECK_TIMEOUT = 50  # seconds: under the one-minute schedule


def send_due(count: int | None = None) -> str:
    answers = replies_answer.answers_send_due(now=timezone.now())
    if answers:
        log.info("queued answers", extra={"outcomes": answers})
    report = services.run_send_pass(count=count, max_seconds=PASS_SECONDS)
    log.info(
        "send pass",
        extra={"sent": report.sent, "failed": report.failed, "skipped": len(report.skipped)},
    )
    return f"sent {report.sent}, failed {report.failed}, skipped {len(report.skipped)}"


def send_answer(email_id: int) -> str:
    """An operator's answer to a reply, enqueued on commit: sent now, not at the next pass."""
    return replies_answer.answer_send(email_id=email_id)


def reconcile_expired() -> str:
    return str(services.reconcile_expired())


def draft_ahead(limit: int = 1000) -> str:
    """Daily, before the send window: one ``draft_one`` task per enrollment due within a day."""
    ids = drafting.due_for_drafting(now=timezone.now(), limit=limit)
    for enrollment_id in ids:
        enqueue(drafting.DRAFT_TASK, enrollment_id)
    log.info("draft ahead", extra={"enqueued": len(ids)})
    return f"enqueued {len(ids)} drafts"


def draft_one(enrollment_id: int) -> str:
    return drafting.draft_next(enrollment_id=enrollment_id, now=timezone.now())


def check_replies() -> str:
    """Fan out one check per readable inbox: a slow or failing inbox never blocks the others."""
    ids = reader.readable_inbox_ids()
    for inbox_id in ids:
        async_task(
            reader.CHECK_TASK,
            inbox_id,
            timeout=CHECK_TIMEOUT,
            task_name=f"check-inbox-{inbox_id}",
        )
    return f"checking {len(ids)} inbox(es)"


def ab_auto_winner() -> str:
    """Hourly: campaigns with the A/B auto-winner on stop their losing variants, once one
    variant is significantly better and each has its minimum sample."""
    from outreach.services.abresults import auto_winner_all

    decided = auto_winner_all(now=timezone.now())
    return f"winners: {decided}" if decided else "no winner"


def check_inbox(inbox_id: int) -> dict[str, Any]:
    return reader.check_inbox(inbox_id)


def purge_raw_mail() -> str:
    """Daily: stored raw inbound mail past JENGU_RAW_MAIL_RETENTION_DAYS is deleted."""
    return f"raw mail purged from {retention.raw_mail_purge(now=timezone.now())} message(s)"
