"""Facts other apps record on a prospect: a reply came, the old system's id and times."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction

from prospects.models import Prospect, ProspectEvent
from prospects.services.stages import prospect_note_times


def prospect_record_reply(
    *, prospect_id: int, at: datetime, message: str, data: dict[str, Any]
) -> None:
    """A reply arrived at ``at``: the reply time, and the reply on the timeline."""
    with transaction.atomic():
        prospect_note_times(prospect_id=prospect_id, replied_at=at)
        ProspectEvent.objects.create(
            prospect_id=prospect_id, kind="reply", message=message[:500], data=data
        )


def prospect_set_legacy_id(*, prospect_id: int, legacy_id: str) -> bool:
    """The old system's id, on a prospect that has none yet (a dedup match keeps its first)."""
    rows = Prospect.objects.filter(pk=prospect_id, legacy_id="")
    return rows.update(legacy_id=legacy_id[:64]) == 1
