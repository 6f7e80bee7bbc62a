"""The prospect's stage: the names are ``Prospect.Stage``; every move is made here.

    new -> enriching -> enriched <-> ready -> contacted -> engaged -> meeting -> won
    any stage but won -> lost (weekly maintenance also archives idle contacted prospects)

Who moves it: enrichment (new -> enriching -> enriched), scoring (enriched <-> ready, by the
send policy), a delivered email (any stage before contacted -> contacted), a reply (forward
only: engaged, meeting; lost unless won), weekly maintenance, and the operator (any stage,
from an admin action). Every move but a delivery's writes a timeline event (the delivered
email is on the timeline already).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Case, F, Q, Value, When

from core.services import actor_label
from prospects.models import Prospect, ProspectEvent

Stage = Prospect.Stage
# The funnel, in order: a reply only ever moves a prospect further along it.
FORWARD = (
    Stage.NEW, Stage.ENRICHING, Stage.ENRICHED, Stage.READY, Stage.CONTACTED, Stage.ENGAGED,
    Stage.MEETING, Stage.WON,
)  # fmt: skip
BEFORE_CONTACT = FORWARD[: FORWARD.index(Stage.CONTACTED)]


def prospect_set_stage(
    *, prospect: Prospect, stage: str, actor: Any = "system", reason: str = ""
) -> bool:
    """Move the prospect to ``stage`` with a timeline event; False when it is there already."""
    if prospect.stage == stage:
        return False
    old = prospect.stage
    Prospect.objects.filter(pk=prospect.pk).update(stage=stage)
    prospect.stage = stage
    ProspectEvent.objects.create(
        prospect=prospect,
        kind="stage",
        actor=actor_label(actor)[:150],
        message=f"Stage {old} → {stage}" + (f": {reason}" if reason else ""),
        data={"from": old, "to": stage, "reason": reason},
    )
    return True


def prospect_advance(*, prospect_id: int, stage: str, reason: str = "") -> bool:
    """Move forward along the funnel only (a late "interested" never undoes a meeting)."""
    prospect = Prospect.objects.get(pk=prospect_id)
    if stage not in FORWARD or prospect.stage not in FORWARD:
        return False
    if FORWARD.index(stage) <= FORWARD.index(prospect.stage):
        return False
    return prospect_set_stage(prospect=prospect, stage=stage, reason=reason)


def prospect_lose(*, prospect_id: int, reason: str) -> bool:
    """Lost, with its reason, unless it was won."""
    prospect = Prospect.objects.get(pk=prospect_id)
    if prospect.stage == Stage.WON:
        return False
    Prospect.objects.filter(pk=prospect_id).update(lost_reason=reason[:200])
    return prospect_set_stage(prospect=prospect, stage=Stage.LOST, reason=reason)


def prospect_mark_contacted(*, prospect_id: int, at: datetime) -> None:
    """An email went out at ``at``: contacted (from any stage before it), and the last
    contact time moves forward (never back, for emails settled or imported out of order)."""
    # One UPDATE (this runs in every send's settle): each column keeps its value unless moved.
    later = Q(last_contacted_at__isnull=True) | Q(last_contacted_at__lt=at)
    Prospect.objects.filter(pk=prospect_id).update(
        stage=Case(When(stage__in=BEFORE_CONTACT, then=Value(Stage.CONTACTED)), default=F("stage")),
        last_contacted_at=Case(When(later, then=Value(at)), default=F("last_contacted_at")),
    )


def prospect_note_times(
    *,
    prospect_id: int,
    last_contacted_at: datetime | None = None,
    replied_at: datetime | None = None,
) -> None:
    """Record the last contact / reply times, each only when later than the one known."""
    for field, moment in (("last_contacted_at", last_contacted_at), ("replied_at", replied_at)):
        if moment is not None:
            Prospect.objects.filter(
                Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__lt": moment}), pk=prospect_id
            ).update(**{field: moment})


def prospects_archive(
    *, ids: list[int], now: datetime, lost_reason: str, archived_reason: str, actor: str
) -> int:
    """Archive these prospects as lost, each with a timeline event (the caller holds their
    rows locked, having chosen them)."""
    with transaction.atomic():
        before = list(Prospect.objects.filter(pk__in=ids).order_by("pk").values_list("pk", "stage"))
        Prospect.objects.filter(pk__in=ids).update(
            archived=True,
            stage=Stage.LOST,
            lost_reason=lost_reason,
            archived_reason=archived_reason,
            updated_at=now,
        )
        ProspectEvent.objects.bulk_create(
            ProspectEvent(
                prospect_id=pk,
                kind="archived",
                actor=actor,
                message=f"Stage {old} → {Stage.LOST}, archived: {lost_reason}"[:500],
                data={"from": old, "to": str(Stage.LOST), "reason": lost_reason},
            )
            for pk, old in before
        )
    return len(before)
