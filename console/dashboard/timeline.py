"""A prospect's story: its email threads (both ways) and a timeline of everything that
happened to it (stage changes, enrichment, verification, enrolments, operator actions)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Q
from django.urls import NoReverseMatch, reverse

from core.models import AuditLog
from outreach.models import Enrollment, InboundMessage, OutboundEmail
from prospects.models import Prospect, ProspectEvent

BODY_CHARS = 4000
MAX_ENTRIES = 300  # the rest stay in Prospect events and the audit log
SKIPPED_EVENTS = {"reply"}  # the received message itself is on the timeline


KIND_LABELS = {
    "email_out": "email out",
    "email_in": "email in",
    "audit": "operator",
    "enrichment": "enrichment",
    "verification": "verification",
    "enrollment": "sequence",
    "stage": "stage",
    "created": "created",
}


@dataclass
class Message:
    anchor: str
    direction: str  # "out" or "in"
    verb: str  # sent, received, or what became of an email that did not go
    at: datetime | None
    subject: str
    sender: str
    recipient: str
    status: str
    body: str
    badge: str = ""
    link: str = ""


@dataclass
class Thread:
    key: str
    subject: str
    messages: list[Message] = field(default_factory=list)
    sequence: str = ""  # the campaign and how its sequence stands, e.g. "Hotels: replied"

    @property
    def last_at(self) -> datetime | None:
        return max((m.at for m in self.messages if m.at), default=None)


@dataclass
class Entry:
    at: datetime | None
    kind: str
    title: str
    actor: str = ""
    detail: str = ""
    data: str = ""  # pretty JSON of what was recorded with it
    anchor: str = ""

    @property
    def label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind.replace("_", " "))


def _pretty(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False, default=str) if value else ""


def _link(name: str, pk: int) -> str:
    try:
        return reverse(f"admin:{name}_change", args=[pk])
    except NoReverseMatch:
        return ""


def _outbound(prospect: Prospect) -> list[OutboundEmail]:
    rows = OutboundEmail.objects.filter(prospect=prospect).select_related(
        "inbox", "enrollment__campaign"
    )
    return list(rows.order_by("created_at", "id"))


def _inbound(prospect: Prospect) -> list[InboundMessage]:
    rows = InboundMessage.objects.filter(prospect=prospect).select_related("matched_outbound")
    return list(rows.order_by("created_at", "id"))


def _out_message(email: OutboundEmail) -> Message:
    return Message(
        anchor=f"out-{email.pk}",
        direction="out",
        verb="sent" if email.sent_at else f"not sent ({email.get_status_display().lower()})",
        at=email.sent_at or email.created_at,
        subject=email.subject,
        sender=email.from_address or (email.inbox.address if email.inbox else ""),
        recipient=email.recipient,
        status=email.get_status_display(),
        body=email.body_text[:BODY_CHARS],
        badge=f"step {email.step}",
        link=_link("outreach_outboundemail", email.pk),
    )


def _in_badge(msg: InboundMessage) -> str:
    if msg.kind == InboundMessage.Kind.REPLY and msg.intent:
        confidence = f" {msg.confidence:.0%}" if msg.confidence is not None else ""
        return f"{msg.intent.replace('_', ' ')}{confidence}"
    if msg.kind == InboundMessage.Kind.BOUNCE and msg.bounce_reason:
        return f"bounce: {msg.bounce_reason.replace('_', ' ')}"
    return msg.get_kind_display().lower()


def _in_message(msg: InboundMessage) -> Message:
    return Message(
        anchor=f"in-{msg.pk}",
        direction="in",
        verb="received",
        at=msg.received_at or msg.created_at,
        subject=msg.subject,
        sender=msg.from_address,
        recipient=msg.to_address,
        status=msg.get_kind_display(),
        body=msg.body_text[:BODY_CHARS],
        badge=_in_badge(msg),
        link=_link("outreach_inboundmessage", msg.pk),
    )


def _sequence(email: OutboundEmail) -> str:
    row = email.enrollment
    stopped = f" ({row.stopped_reason})" if row.stopped_reason else ""
    return f"{row.campaign}: {row.get_status_display().lower()}{stopped}"


def threads_for(outbound: list[OutboundEmail], inbound: list[InboundMessage]) -> list[Thread]:
    """One thread per enrollment (a sequence threads its follow-ups); a reply joins the thread
    of the email it answers, an unmatched message starts its own."""
    threads: dict[str, Thread] = {}
    for email in outbound:
        key = f"enrollment-{email.enrollment_id}"
        thread = threads.setdefault(key, Thread(key, email.subject, sequence=_sequence(email)))
        thread.messages.append(_out_message(email))
    by_message_id = {e.message_id: e for e in outbound}
    for msg in inbound:
        original = msg.matched_outbound or by_message_id.get(
            (msg.headers or {}).get("In-Reply-To", "").strip()
        )
        key = f"enrollment-{original.enrollment_id}" if original else f"inbound-{msg.pk}"
        threads.setdefault(key, Thread(key, msg.subject)).messages.append(_in_message(msg))
    for thread in threads.values():
        thread.messages.sort(key=lambda m: (m.at is None, m.at))
    return sorted(threads.values(), key=lambda t: (t.last_at is None, t.last_at), reverse=True)


def _email_entries(outbound: list[OutboundEmail], inbound: list[InboundMessage]) -> list[Entry]:
    entries = []
    for email in outbound:
        verb = "Email sent" if email.sent_at else f"Email {email.get_status_display().lower()}"
        via = f" from {email.inbox.key}" if email.inbox else ""
        entries.append(
            Entry(
                email.sent_at or email.created_at,
                "email_out",
                f"{verb} (step {email.step}){via} to {email.recipient}",
                detail=email.subject,
                anchor=f"out-{email.pk}",
            )
        )
    for msg in inbound:
        entries.append(
            Entry(
                msg.received_at or msg.created_at,
                "email_in",
                f"{msg.get_kind_display()} from {msg.from_address or 'unknown'}",
                detail=f"{msg.subject} — {_in_badge(msg)}",
                anchor=f"in-{msg.pk}",
            )
        )
    return entries


def _event_entries(prospect: Prospect) -> list[Entry]:
    events = ProspectEvent.objects.filter(prospect=prospect).exclude(kind__in=SKIPPED_EVENTS)
    return [
        Entry(e.created_at, e.kind, e.message, actor=e.actor, data=_pretty(e.data)) for e in events
    ]


def _enrollment_entries(prospect: Prospect) -> list[Entry]:
    # When a sequence stopped is not recorded on the row (updated by queryset); the thread
    # header says how it ended, the received reply says when.
    rows = Enrollment.objects.filter(prospect=prospect).select_related("campaign", "contact")
    return [
        Entry(
            row.created_at,
            "enrollment",
            f"Enrolled {row.contact.email or row.contact} in {row.campaign}",
        )
        for row in rows
    ]


def _audit_entries(prospect: Prospect, outbound: list[OutboundEmail]) -> list[Entry]:
    """Operator actions on the prospect, its contacts, enrollments and emails."""
    targets = Q(object_type="prospects.prospect", object_id=str(prospect.pk))
    targets |= Q(
        object_type="prospects.contact",
        object_id__in=[str(pk) for pk in prospect.contacts.values_list("pk", flat=True)],
    )
    targets |= Q(object_type="outreach.outboundemail", object_id__in=[str(e.pk) for e in outbound])
    targets |= Q(
        object_type="outreach.enrollment",
        object_id__in=[str(pk) for pk in prospect.enrollments.values_list("pk", flat=True)],
    )
    return [
        Entry(
            row.created_at,
            "audit",
            f"{row.action.replace('_', ' ')}: {row.object_repr}",
            actor=row.actor_label,
            data=_pretty(row.detail),
        )
        for row in AuditLog.objects.filter(targets)
    ]


def prospect_timeline(prospect_id: int | str) -> dict[str, Any]:
    prospect = (
        Prospect.objects.filter(pk=int(prospect_id)).first() if str(prospect_id).isdigit() else None
    )
    if prospect is None:
        return {"threads": [], "entries": []}
    outbound, inbound = _outbound(prospect), _inbound(prospect)
    entries = (
        _email_entries(outbound, inbound)
        + _event_entries(prospect)
        + _enrollment_entries(prospect)
        + _audit_entries(prospect, outbound)
    )
    entries.sort(key=lambda e: (e.at is not None, e.at), reverse=True)
    return {
        "threads": threads_for(outbound, inbound),
        "entries": entries[:MAX_ENTRIES],
        "older": max(0, len(entries) - MAX_ENTRIES),
    }
