"""Stopping sequences: an enrollment leaves ``active`` and its unsent emails are cancelled.

Used by suppression (the address may not be written to), and by the operator (the admin's
"Stop selected sequences").
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction

from core.services import audit_record
from outreach import transitions
from outreach.models import Enrollment, OutboundEmail


def enrollments_stop(
    *,
    ids: Iterable[int],
    reason: str,
    status: str = Enrollment.Status.STOPPED,
    email_error: str = "",
    actor: Any = None,
) -> int:
    """Stop the active ones among ``ids``; returns how many stopped."""
    with transaction.atomic():
        active = Enrollment.objects.select_for_update().filter(
            pk__in=list(ids), status=Enrollment.Status.ACTIVE
        )
        stopped = list(active.values_list("pk", flat=True))
        Enrollment.objects.filter(pk__in=stopped).update(status=status, stopped_reason=reason)
        transitions.cancel(
            OutboundEmail.objects.filter(enrollment_id__in=stopped), error=email_error or reason
        )
        if actor is not None:
            for pk in stopped:
                audit_record(
                    action="sequence_stopped",
                    actor=actor,
                    detail={"enrollment": pk, "reason": reason},
                )
    return len(stopped)
