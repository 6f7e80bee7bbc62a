"""Drafting ahead: write the next email of every enrollment due within a day, before the send
window, so a send never waits on an LLM.

``outreach.tasks.draft_ahead`` fans out one ``draft_one`` task per enrollment, because a single
draft may take a provider timeout or three and the whole batch would outlive the cluster's
task timeout. The AI engine only writes the draft; the ledger row is ``email_prepare``'s.
"""

from __future__ import annotations

import logging
from datetime import datetime

from core.models import DeadLetter
from core.services import deadletter_create
from outreach.models import Enrollment
from outreach.services.prepare import due_without_email, email_prepare

log = logging.getLogger(__name__)
DRAFT_TASK = "outreach.tasks.draft_one"  # what a dead letter replays


def due_for_drafting(*, now: datetime, limit: int) -> list[int]:
    """Ids of the enrollments whose next email should be written now."""
    return list(due_without_email(now).values_list("pk", flat=True)[:limit])


def draft_next(*, enrollment_id: int, now: datetime) -> str:
    """Write and store the enrollment's next email; a short summary of what happened."""
    enrollment = (
        Enrollment.objects.select_related("campaign", "contact", "prospect", "inbox")
        .filter(pk=enrollment_id)
        .first()
    )
    if enrollment is None:
        return f"enrollment {enrollment_id} is gone"
    try:
        email = email_prepare(enrollment=enrollment, now=now)
    except Exception as exc:
        # The writer itself never fails for provider trouble, so this is a bug or bad data:
        # hand it to the operator instead of retrying it blindly every day.
        log.exception("drafting failed", extra={"enrollment": enrollment_id})
        deadletter_create(
            kind=DeadLetter.Kind.AI,
            error=f"{type(exc).__name__}: {exc}",
            payload={"args": [enrollment_id]},
            task_name=DRAFT_TASK,
            obj=enrollment,
        )
        return f"enrollment {enrollment_id}: failed"
    if email is None:
        return f"enrollment {enrollment_id}: nothing to draft"
    return f"enrollment {enrollment_id}: email {email.pk} step {email.step} by {email.ai_provider}"
