"""django-q2 entry points of the inboxes app (scheduled by ``setup_schedules``)."""

from __future__ import annotations

from inboxes import services
from inboxes.models import Inbox


def dns_preflight() -> str:
    """The daily DNS preflight of every inbox that may send (JENGU_DNS_PREFLIGHT=off: none)."""
    rows = services.preflight_run_many(inboxes=Inbox.objects.exclude(status=Inbox.Status.DISABLED))
    failing = [row.inbox.key for row in rows if row.blocking]
    return f"{len(rows)} inbox(es) checked; SPF/DMARC failing: {', '.join(failing) or 'none'}"
