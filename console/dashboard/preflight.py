"""The dashboard's DNS preflight badge: inboxes whose last check failed, and those held."""

from __future__ import annotations

from typing import Any

from inboxes import services
from inboxes.models import Inbox


def preflight_badge() -> dict[str, Any]:
    failing: list[str] = []
    held: list[str] = []
    inboxes = Inbox.objects.exclude(status=Inbox.Status.DISABLED)
    rows = services.preflight_rows()  # one query, not one per inbox
    for inbox in inboxes:
        data = services.preflight_payload(inbox, rows)
        if any(data[k]["result"] == "fail" for k in ("mx", "spf", "dkim", "dmarc", "rdns")):
            failing.append(inbox.key)
        if data["sending_held"]:
            held.append(inbox.key)
    return {"mode": services.preflight.mode(), "failing": failing, "held": held}
