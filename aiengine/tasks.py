"""django-q2 entry points of the AI engine.

``draft_ahead`` runs daily, before the send window: every active enrollment due within the next
24 hours gets its next email written now, so a send never waits on an LLM. It fans out one
``draft_one`` task per enrollment, because a single draft may take a provider timeout or three
and the whole batch would outlive the cluster's task timeout.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from core.models import DeadLetter
from core.services import deadletter_create
from core.tasking import enqueue
from outreach.models import Enrollment, OutboundEmail

log = logging.getLogger(__name__)
AHEAD = timedelta(hours=24)


def due_without_draft(now: datetime) -> QuerySet[Enrollment]:
    """Active enrollments due by ``now + 24 h`` whose next step has no email row yet."""
    next_step = OutboundEmail.objects.filter(
        enrollment=OuterRef("pk"), step=OuterRef("current_step") + 1
    )
    return (
        Enrollment.objects.filter(
            status=Enrollment.Status.ACTIVE, next_send_at__lte=now + AHEAD
        )  # the partial index enrollment_due serves this
        .filter(~Exists(next_step))
        .order_by("next_send_at")
    )


def draft_ahead(limit: int = 1000) -> str:
    ids = list(due_without_draft(timezone.now()).values_list("pk", flat=True)[:limit])
    for enrollment_id in ids:
        enqueue("aiengine.tasks.draft_one", enrollment_id)
    log.info("draft ahead", extra={"enqueued": len(ids)})
    return f"enqueued {len(ids)} drafts"


def draft_one(enrollment_id: int) -> str:
    """Write and store the enrollment's next email (outreach owns the ledger row)."""
    from outreach.services import email_prepare

    enrollment = (
        Enrollment.objects.select_related("campaign", "contact", "prospect", "inbox")
        .filter(pk=enrollment_id)
        .first()
    )
    if enrollment is None:
        return f"enrollment {enrollment_id} is gone"
    try:
        email = email_prepare(enrollment=enrollment, now=timezone.now())
    except Exception as exc:
        # The writer itself never fails for provider trouble, so this is a bug or bad data:
        # hand it to the operator instead of retrying it blindly every day.
        log.exception("drafting failed", extra={"enrollment": enrollment_id})
        deadletter_create(
            kind=DeadLetter.Kind.AI,
            error=f"{type(exc).__name__}: {exc}",
            payload={"args": [enrollment_id]},
            task_name="aiengine.tasks.draft_one",
            obj=enrollment,
        )
        return f"enrollment {enrollment_id}: failed"
    if email is None:
        return f"enrollment {enrollment_id}: nothing to draft"
    return f"enrollment {enrollment_id}: email {email.pk} step {email.step} by {email.ai_provider}"
