"""Enforce mode: may this inbox send? And the operator's override, kept in the audit log."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from core.services import actor_label, audit_record
from inboxes.models import Inbox, InboxPreflight
from inboxes.services.preflight.target import KEYS, mode, not_checked, skip_reason


def preflight_allows(inbox: Inbox) -> bool:
    """False only in enforce mode, for an inbox whose SPF or DMARC alignment fails and that no
    operator has overridden. Maildir and test domains never block (they are never checked)."""
    if mode() != "enforce" or skip_reason(inbox):
        return True
    row = InboxPreflight.objects.filter(inbox_id=inbox.pk).values("blocking", "override_at")
    state = row.first()
    return state is None or not state["blocking"] or state["override_at"] is not None


def preflight_override(*, inbox: Inbox, active: bool = True, actor: Any = None) -> bool:
    """Let a blocked inbox send anyway (or take that back); True when something changed."""
    with transaction.atomic():
        row, _ = InboxPreflight.objects.select_for_update().get_or_create(inbox=inbox)
        if (row.override_at is not None) == active:
            return False
        row.override_at = timezone.now() if active else None
        row.override_by = actor_label(actor) if active else ""
        row.save(update_fields=["override_at", "override_by"])
        audit_record(
            action="inbox_preflight_override" if active else "inbox_preflight_override_cleared",
            actor=actor,
            obj=inbox,
            detail={
                "domain": inbox.domain,
                "failed": sorted(k for k, v in row.results.items() if v["result"] == "fail"),
            },
        )
    return True


def preflight_rows() -> dict[int, InboxPreflight]:
    """Every inbox's preflight row in one query, for ``preflight_payload(inbox, rows)``."""
    return {row.inbox_id: row for row in InboxPreflight.objects.all()}


def preflight_payload(
    inbox: Inbox, rows: dict[int, InboxPreflight] | None = None
) -> dict[str, Any]:
    """The status API's ``preflight``: every key always present. ``rows`` (inbox id -> row,
    from ``preflight_rows``) saves a query per inbox when every inbox is shown."""
    if rows is None:
        row = InboxPreflight.objects.filter(inbox_id=inbox.pk).first()
    else:
        row = rows.get(inbox.pk)
    reason = skip_reason(inbox)
    if reason or row is None or row.checked_at is None:
        results = not_checked(reason or "never checked")
    else:
        results = {k: row.results.get(k) or not_checked("not run")[k] for k in KEYS}
    blocking = bool(row and row.blocking and not reason)
    return {
        "checked_at": row.checked_at if row else None,
        **results,
        "mode": mode(),
        "blocking": blocking,
        "overridden": bool(row and row.override_at),
        "sending_held": blocking and not preflight_allows(inbox),
    }
