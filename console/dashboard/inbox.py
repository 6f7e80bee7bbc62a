"""The inbox page: health, circuit, today's reservations, recent errors, pause history."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.db.models import Q

from console.dashboard.placement import placement_panel
from console.dashboard.rates import BOUNCES, COMPLAINTS, Rate, rate_chart
from core.models import AuditLog
from inboxes.models import Inbox
from inboxes.services import local_date, next_reset
from outreach.models import OutboundEmail

RECENT = 10
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _errors(inbox: Inbox) -> list[dict[str, Any]]:
    """The newest problems first: the send path, the reply reader, and failed emails."""
    errors: list[dict[str, Any]] = []
    if inbox.last_error:
        errors.append({"at": inbox.last_error_at, "source": "sending", "text": inbox.last_error})
    if inbox.reader_error:
        errors.append(
            {"at": inbox.reader_retry_at, "source": "reply check", "text": inbox.reader_error}
        )
    failed = (
        OutboundEmail.objects.filter(inbox=inbox)
        .filter(~Q(last_error="") | Q(status=OutboundEmail.Status.BOUNCED))
        .exclude(last_error="operator: send again")
        .exclude(status=OutboundEmail.Status.CANCELLED)  # "prospect replied" is no error
        .order_by("-updated_at")[:RECENT]
    )
    for email in failed:
        bounce = f"bounced: {email.bounce_reason.replace('_', ' ')}" if email.bounce_reason else ""
        errors.append(
            {
                "at": email.updated_at,
                "source": f"email #{email.pk} to {email.recipient} ({email.status})",
                "text": email.last_error or bounce or email.get_status_display(),
                "email": email,
            }
        )
    errors.sort(key=lambda e: e["at"] or EPOCH, reverse=True)
    return errors[:RECENT]


def _meter(inbox: Inbox, rate: Rate, name: str) -> Any:
    title = f"{inbox.key}: {name} rate over the last 7 days against the pause threshold"
    return rate_chart(rate, [inbox], title, label=f"{name} rate", note=" sends")


def inbox_health(inbox: Inbox, now: datetime) -> dict[str, Any]:
    today = local_date(inbox, now)
    reservations = (
        OutboundEmail.objects.filter(inbox=inbox, reserved_day=today)
        .select_related("prospect")
        .order_by("-updated_at")
    )
    history = AuditLog.objects.filter(
        Q(object_type="inboxes.inbox", object_id=str(inbox.pk))
    ).order_by("-created_at")[:RECENT]
    return {
        "today": today,
        "resets_at": next_reset(inbox, now),
        "reservations": list(reservations[:50]),
        "holding": reservations.filter(status=OutboundEmail.Status.SENDING).count(),
        "errors": _errors(inbox),
        "history": list(history),
        "bounce_meter": _meter(inbox, BOUNCES, "bounce"),
        "complaint_meter": _meter(inbox, COMPLAINTS, "complaint"),
        "complaint_pct": f"{inbox.complaint_rate:.2%}",
        "pause_rate": settings.JENGU["BOUNCE_PAUSE_RATE"],
        "placement": placement_panel(inbox),
    }
