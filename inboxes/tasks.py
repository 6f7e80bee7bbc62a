"""django-q2 entry points for inboxes: one reply check per inbox, each its own task."""

from __future__ import annotations

import logging
from typing import Any

from django_q.tasks import async_task

from inboxes.models import Inbox

log = logging.getLogger(__name__)
CHECK_TIMEOUT = 50  # seconds: under the one-minute schedule


def check_replies() -> str:
    """Fan out: a slow or failing inbox never blocks the others."""
    from outreach.services.reader import readable

    ids = [i.pk for i in Inbox.objects.exclude(status=Inbox.Status.DISABLED) if readable(i)]
    for inbox_id in ids:
        async_task(
            "inboxes.tasks.check_inbox",
            inbox_id,
            timeout=CHECK_TIMEOUT,
            task_name=f"check-inbox-{inbox_id}",
        )
    return f"checking {len(ids)} inbox(es)"


def check_inbox(inbox_id: int) -> dict[str, Any]:
    from outreach.services.reader import check_inbox as run

    return run(inbox_id)
