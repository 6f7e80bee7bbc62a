"""The unified inbox: every human reply across all inboxes, and what the operator does with one.

Read/unread, snooze, "meeting booked" and the intent correction are columns of the inbound row;
the classifier's own verdict stays in ``classification``, so a corrected reply is a labelled
example (``reply_labels``, ``manage.py export_reply_labels``). Answers: ``replies_answer``.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from aiengine.rules import Intent
from compliance.models import Suppression
from core.errors import NotFound, Unprocessable
from core.services import actor_label, audit_record
from outreach.models import Reply
from outreach.services.suppression import suppress
from prospects.models import Prospect
from prospects.services import prospect_advance, prospect_lose
from prospects.services.stages import prospect_set_stage

Stage = Prospect.Stage
INTENTS = [str(i) for i in Intent]
# "Needs a human": someone wants something, or nobody could tell what they want.
NEEDS_HUMAN = ("meeting_request", "interested", "needs_info", "unclear", "delegation")
# What an intent means for the prospect's stage (an operator's correction moves it either way).
STAGE_FOR_INTENT = {
    "meeting_request": Stage.MEETING,
    "interested": Stage.ENGAGED,
    "needs_info": Stage.ENGAGED,
    "not_interested": Stage.LOST,
    "unsubscribe": Stage.LOST,
}


def needs_human_q() -> Q:
    """Intents that want an answer, a reply nobody classified, or one matched to no prospect."""
    return Q(intent__in=NEEDS_HUMAN) | Q(intent="") | Q(prospect__isnull=True)


def replies_queryset(
    *,
    intent: str | None = None,
    inbox: int | None = None,
    campaign: int | None = None,
    unread: bool | None = None,
    needs_human: bool | None = None,
    now: datetime | None = None,
) -> QuerySet[Reply]:
    """Human replies, newest first. ``unread=True``: unread and not snoozed now."""
    now = now or timezone.now()
    qs = Reply.objects.select_related(
        "inbox", "prospect", "contact", "matched_outbound__enrollment__campaign"
    )
    if intent is not None:
        qs = qs.filter(intent=intent)
    if inbox is not None:
        qs = qs.filter(inbox_id=inbox)
    if campaign is not None:
        qs = qs.filter(matched_outbound__enrollment__campaign_id=campaign)
    if unread is True:
        qs = qs.filter(read_at__isnull=True).exclude(snoozed_until__gt=now)
    elif unread is False:
        qs = qs.filter(read_at__isnull=False)
    if needs_human is True:
        qs = qs.filter(needs_human_q())
    elif needs_human is False:
        qs = qs.exclude(needs_human_q())
    return qs.order_by("-created_at", "-id")


def unread_count(now: datetime | None = None) -> int:
    return replies_queryset(unread=True, now=now).count()


def reply_get(reply_id: int) -> Reply:
    reply = replies_queryset().filter(pk=reply_id).first()
    if reply is None:
        raise NotFound(f"no reply {reply_id}", code="reply_not_found")
    return reply


def reply_mark_read(*, reply_id: int, read: bool = True, now: datetime | None = None) -> Reply:
    """Read (or back to unread). Reading keeps the first time it was read."""
    reply = reply_get(reply_id)
    now = now or timezone.now()
    if read and reply.read_at is None:
        Reply.objects.filter(pk=reply.pk, read_at__isnull=True).update(read_at=now)
    elif not read:
        Reply.objects.filter(pk=reply.pk).update(read_at=None)
    reply.refresh_from_db()
    return reply


def reply_snooze(*, reply_id: int, until: datetime | None, now: datetime | None = None) -> Reply:
    """Out of the unread list until ``until`` (None wakes it now); it comes back unread."""
    reply = reply_get(reply_id)
    now = now or timezone.now()
    if until is not None and until <= now:
        raise Unprocessable("snooze until a time in the future", code="snooze_in_past")
    Reply.objects.filter(pk=reply.pk).update(snoozed_until=until, read_at=None)
    reply.refresh_from_db()
    return reply


def reply_mark_meeting_booked(
    *, reply_id: int, booked: bool = True, actor: Any = None, now: datetime | None = None
) -> Reply:
    """A meeting is booked with the prospect: its stage moves to meeting (never back from won)."""
    reply = reply_get(reply_id)
    now = now or timezone.now()
    Reply.objects.filter(pk=reply.pk).update(meeting_booked_at=now if booked else None)
    if booked and reply.prospect_id:
        prospect_advance(
            prospect_id=reply.prospect_id, stage=Stage.MEETING, reason="meeting booked"
        )
    audit_record(action="reply_meeting_booked" if booked else "reply_meeting_unbooked",
                 actor=actor, obj=reply)  # fmt: skip
    reply.refresh_from_db()
    return reply


def reply_correct_intent(
    *, reply_id: int, intent: str, actor: Any = None, now: datetime | None = None
) -> Reply:
    """The operator's intent replaces the classifier's (kept in ``classification``); the
    prospect's stage follows it, back or forth, unless the prospect is won."""
    if intent not in INTENTS:
        raise Unprocessable(f"unknown intent {intent!r}", code="unknown_intent")
    reply = reply_get(reply_id)
    now = now or timezone.now()
    Reply.objects.filter(pk=reply.pk).update(
        intent=intent,
        intent_corrected=True,
        corrected_by=actor_label(actor)[:150],
        corrected_at=now,
    )
    reply.refresh_from_db()
    if reply.prospect_id:
        _stage_for(reply, intent, actor)
    if intent == "unsubscribe" and reply.from_address:
        suppress(
            email=reply.from_address,
            reason=Suppression.Reason.OPT_OUT_REPLY,
            source=f"intent corrected on reply {reply.message_id}"[:200],
            detail=reply.body_text[:2000],
        )
    audit_record(action="reply_intent_corrected", actor=actor, obj=reply, detail={"intent": intent})
    return reply


def _stage_for(reply: Reply, intent: str, actor: Any) -> None:
    stage = STAGE_FOR_INTENT.get(intent)
    prospect = Prospect.objects.get(pk=reply.prospect_id or 0)
    if stage is None or prospect.stage in (stage, Stage.WON):
        return
    reason = f"reply intent corrected to {intent}"
    if stage == Stage.LOST:
        prospect_lose(prospect_id=prospect.pk, reason=reason)
    else:
        prospect_set_stage(prospect=prospect, stage=stage, actor=actor or "system", reason=reason)


def reply_labels(*, since: datetime | None = None) -> Iterator[dict[str, Any]]:
    """Corrected replies as labelled examples for the classifier's corpus (oldest first)."""
    qs = Reply.objects.filter(intent_corrected=True).order_by("corrected_at", "pk")
    if since is not None:
        qs = qs.filter(corrected_at__gte=since)
    for reply in qs.iterator():
        yield {
            "id": reply.pk,
            "message_id": reply.message_id,
            "subject": reply.subject,
            "body": reply.body_text,
            "headers": reply.headers,
            "intent": reply.intent,
            "predicted": (reply.classification or {}).get("intent", ""),
            "confidence": reply.confidence,
            "corrected_by": reply.corrected_by,
            "corrected_at": reply.corrected_at.isoformat() if reply.corrected_at else None,
        }
