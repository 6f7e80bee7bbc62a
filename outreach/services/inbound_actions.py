"""What an inbound message does: bounces suppress, replies stop sequences and move stages."""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from aiengine.rules import Classification
from compliance.models import Suppression
from core.models import Alert
from core.services import alert_raise
from inboxes import services as inboxes
from inboxes.bounces import Analysis, Consequence, Verdict
from outreach import transitions
from outreach.models import Enrollment, InboundMessage, OutboundEmail
from outreach.services.company import company_enrollments
from outreach.services.sequences import enrollments_stop
from outreach.services.settle import record_soft_bounce
from outreach.services.suppression import suppress
from prospects.models import Contact, Prospect
from prospects.services import (
    contact_add_delegate,
    contact_mark_invalid,
    prospect_advance,
    prospect_lose,
    prospect_record_reply,
)

Stage = Prospect.Stage
ASKS_TO_STOP = re.compile(
    r"\b(stop|remove|unsubscribe|opt[ -]?out|do not (contact|email|write)|"
    r"don'?t (contact|email|write)|take me off)\b",
    re.I,
)
STAGE_FOR_INTENT = {
    "meeting_request": Stage.MEETING,
    "interested": Stage.ENGAGED,
    "needs_info": Stage.ENGAGED,
}


@dataclasses.dataclass
class BounceTally:
    """Bounces and complaints counted against each inbox, recorded together (``record``): the
    reply check counts a whole chunk's with one lock of each inbox row."""

    counts: dict[int, Counter[str]] = dataclasses.field(default_factory=dict)
    causes: dict[int, str] = dataclasses.field(default_factory=dict)

    def add(
        self, inbox_id: int, *, complaint: bool = False, sender: bool = False, cause: str = ""
    ) -> None:
        counts = self.counts.setdefault(inbox_id, Counter())
        counts["complaints" if complaint else "bounced"] += 1
        counts["sender_problems"] += int(sender)
        if cause:
            self.causes[inbox_id] = cause

    def merge(self, other: BounceTally) -> None:
        for inbox_id, counts in other.counts.items():
            self.counts.setdefault(inbox_id, Counter()).update(counts)
        self.causes.update(other.causes)

    def record(self, now: datetime) -> None:
        for inbox_id, counts in self.counts.items():
            inboxes.record_bounces(
                inbox_id=inbox_id, now=now, cause=self.causes.get(inbox_id, ""), **counts
            )


def act(
    msg: InboundMessage,
    analysis: Analysis,
    verdict: Classification | None,
    tally: BounceTally | None = None,
) -> None:
    """What a stored message does. Its bounces go into ``tally`` when one is given (the caller
    records it), else they are recorded here."""
    own = BounceTally() if tally is None else tally
    if msg.kind == InboundMessage.Kind.BOUNCE:
        _bounce(msg, analysis, own)
    elif msg.kind == InboundMessage.Kind.COMPLAINT:
        _complaint(msg, analysis, own)
    else:
        handler = {
            InboundMessage.Kind.UNSUBSCRIBE: _unsubscribe,
            InboundMessage.Kind.AUTO_REPLY: _auto_reply,
            InboundMessage.Kind.REPLY: _reply,
        }.get(msg.kind)  # type: ignore[call-overload]
        if handler is not None:
            handler(msg, analysis, verdict)
    if tally is None:
        own.record(timezone.now())


def _blamed_inbox(msg: InboundMessage) -> int | None:
    outbound = msg.matched_outbound
    return outbound.inbox_id if outbound and outbound.inbox_id else msg.inbox_id


# --- bounces and complaints ---------------------------------------------------------------
def _bounce(msg: InboundMessage, analysis: Analysis, tally: BounceTally) -> None:
    now, inbox_id = timezone.now(), _blamed_inbox(msg)
    for verdict in analysis.verdicts or []:
        recipient = verdict.recipient or (
            msg.matched_outbound.recipient if msg.matched_outbound else ""
        )
        _apply_verdict(msg, verdict, recipient, now)
        if inbox_id:
            tally.add(
                inbox_id,
                sender=verdict.consequence == Consequence.SENDER_PROBLEM,
                cause=verdict.cause,
            )


def _apply_verdict(msg: InboundMessage, verdict: Verdict, recipient: str, now: datetime) -> None:
    contact = Contact.objects.filter(email__iexact=recipient).first() if recipient else None
    if (
        contact
        and verdict.counts_as_soft_bounce
        and record_soft_bounce(contact_id=contact.pk, now=now)
    ):
        verdict = dataclasses.replace(verdict, consequence=Consequence.ADDRESS_BAD)
    if verdict.consequence != Consequence.ADDRESS_BAD or not recipient:
        return
    suppress(
        email=recipient,
        reason=Suppression.Reason.BOUNCE,
        source=f"bounce {msg.message_id}",
        detail=f"{verdict.reason} {verdict.status or ''}: {verdict.diagnostic}"[:5000],
    )
    if contact:
        contact_mark_invalid(contact_id=contact.pk)
    if msg.matched_outbound_id:
        transitions.bounce_sent(msg.matched_outbound_id, reason=str(verdict.reason))


def _complaint(msg: InboundMessage, analysis: Analysis, tally: BounceTally) -> None:
    recipient = analysis.recipient or (
        msg.matched_outbound.recipient if msg.matched_outbound else ""
    )
    if recipient:
        suppress(
            email=recipient,
            reason=Suppression.Reason.COMPLAINT,
            source=f"feedback report {msg.message_id}",
            detail=msg.subject,
        )
    if inbox_id := _blamed_inbox(msg):
        tally.add(inbox_id, complaint=True)


def _unsubscribe(msg: InboundMessage, analysis: Analysis, _: object) -> None:
    if msg.from_address:
        suppress(
            email=msg.from_address,
            reason=Suppression.Reason.OPT_OUT_REPLY,
            source=f"reply {msg.message_id}",
            detail=msg.body_text[:2000],
        )
    if msg.prospect_id:
        prospect_lose(prospect_id=msg.prospect_id, reason="asked to unsubscribe")


# --- replies --------------------------------------------------------------------------------
def _auto_reply(msg: InboundMessage, analysis: Analysis, verdict: Classification | None) -> None:
    if msg.prospect_id and verdict and verdict.return_date:
        _postpone(msg.prospect_id, verdict.return_date)


def _reply(msg: InboundMessage, analysis: Analysis, verdict: Classification | None) -> None:
    intent = str(verdict.intent) if verdict else "unclear"
    prospect_id = msg.prospect_id
    if prospect_id is None:
        alert_raise(
            kind=Alert.Kind.MANUAL_REVIEW,
            title=f"Unmatched reply from {msg.from_address}",
            body=msg.subject,
            data={"inbound": msg.pk},
            dedup_key=f"orphan:{msg.pk}",
        )
        return
    if intent == "out_of_office":
        if verdict and verdict.return_date:
            _postpone(prospect_id, verdict.return_date)
        return
    _stop_company(msg, prospect_id)
    handler = {
        "meeting_request": _meeting,
        "interested": _interested,
        "needs_info": _interested,
        "not_interested": _not_interested,
        "unsubscribe": _not_interested,
        "delegation": _delegation,
    }.get(intent, _unclear)
    handler(msg, verdict, prospect_id)


def _stop_company(msg: InboundMessage, prospect_id: int) -> None:
    """A reply stops every enrollment at that prospect's company (``company_enrollments``:
    the prospect, and others at the replying address's organisation)."""
    now = timezone.now()
    enrollments_stop(
        ids=company_enrollments(msg.from_address, prospect_id),
        reason=f"reply from {msg.from_address}",
        status=Enrollment.Status.REPLIED,
        email_error="prospect replied",
    )
    prospect_record_reply(
        prospect_id=prospect_id,
        at=now,
        message=f"Reply from {msg.from_address}: {msg.subject}",
        data={"inbound": msg.pk},
    )


def _alert(kind: str, msg: InboundMessage, title: str) -> None:
    alert_raise(
        kind=kind,
        title=title,
        body=msg.body_text[:1000],
        data={"inbound": msg.pk, "prospect": msg.prospect_id, "from": msg.from_address},
        dedup_key=f"{kind}:{msg.pk}",
    )


def _meeting(msg: InboundMessage, verdict: Classification | None, prospect_id: int) -> None:
    prospect_advance(prospect_id=prospect_id, stage=Stage.MEETING, reason="meeting requested")
    _alert(Alert.Kind.MEETING_REQUEST, msg, f"Meeting request from {msg.from_address}")


def _interested(msg: InboundMessage, verdict: Classification | None, prospect_id: int) -> None:
    prospect_advance(prospect_id=prospect_id, stage=Stage.ENGAGED, reason=msg.intent)
    if msg.intent == "interested":
        _alert(Alert.Kind.INTERESTED, msg, f"Interested reply from {msg.from_address}")


def _not_interested(msg: InboundMessage, verdict: Classification | None, prospect_id: int) -> None:
    prospect_lose(prospect_id=prospect_id, reason=f"replied: {msg.intent}")
    if msg.intent == "unsubscribe" or ASKS_TO_STOP.search(msg.body_text[:5000]):
        suppress(
            email=msg.from_address,
            reason=Suppression.Reason.OPT_OUT_REPLY,
            source=f"reply {msg.message_id}",
            detail=msg.body_text[:2000],
        )


def _delegation(msg: InboundMessage, verdict: Classification | None, prospect_id: int) -> None:
    email = ((verdict.delegate_email if verdict else "") or "").strip().lower()
    contact_add_delegate(
        prospect_id=prospect_id,
        email=email,
        name=(verdict.delegate_name if verdict else "") or "",
        pointed_by=msg.from_address,
    )
    _alert(Alert.Kind.MANUAL_REVIEW, msg, f"{msg.from_address} delegated to {email or 'someone'}")


def _unclear(msg: InboundMessage, verdict: Classification | None, prospect_id: int) -> None:
    _alert(Alert.Kind.MANUAL_REVIEW, msg, f"Reply to review from {msg.from_address}")


def _postpone(prospect_id: int, return_date: date) -> None:
    """Out of office: the next step moves past the stated return date."""
    resume = timezone.make_aware(datetime.combine(return_date, time(9, 0)) + timedelta(days=1))
    enrollments = Enrollment.objects.filter(
        prospect_id=prospect_id, status=Enrollment.Status.ACTIVE
    )
    for enrollment in enrollments:
        if enrollment.next_send_at is None or enrollment.next_send_at < resume:
            Enrollment.objects.filter(pk=enrollment.pk).update(next_send_at=resume)
        OutboundEmail.objects.filter(
            enrollment=enrollment, status=OutboundEmail.Status.QUEUED, send_after__lt=resume
        ).update(send_after=resume)
