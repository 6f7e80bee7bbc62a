"""Replies (inbound ``emails``) and bounces (D1 ``bounces``) as inbound messages, matched to
the ledger by the old Message-IDs. A reply stops the sequence it answers; a hard bounce marks
the email bounced, the address invalid and suppressed; a complaint suppresses. Nothing here
raises alerts: these are history, already handled by the old system."""

from __future__ import annotations

import hashlib
from datetime import datetime

from django.db import IntegrityError, transaction

from compliance.models import Suppression
from inboxes.bounces import Consequence, Reason
from migration import values
from migration.emails import outbound
from migration.mailboxes import inbox_for
from migration.readers import Record
from migration.state import Run
from migration.suppressing import suppress_legacy
from outreach import transitions
from outreach.models import Enrollment, InboundMessage, OutboundEmail
from prospects.models import Contact
from prospects.services import contact_mark_invalid, prospect_note_times

INTENTS = {
    "meeting_request": "meeting_request",
    "positive_reply": "interested",
    "interested": "interested",
    "needs_info": "needs_info",
    "not_interested": "not_interested",
    "out_of_office": "out_of_office",
    "unsubscribe": "unsubscribe",
}
BOUNCE_TYPES = {  # bounces.type -> (reason, consequence)
    "hard": (Reason.UNDEFINED, Consequence.ADDRESS_BAD),
    "soft": (Reason.UNDEFINED, Consequence.TRY_LATER),
    "block": (Reason.BLOCKED, Consequence.SENDER_PROBLEM),
    "unknown": (Reason.UNDEFINED, Consequence.TRY_LATER),
}


def _synthetic_id(record: Record, prefix: str) -> str:
    digest = hashlib.sha256((record.id or record.where).encode()).hexdigest()[:24]
    return f"<{prefix}-{digest}@legacy.invalid>"


def _save(run: Run, kind: str, record: Record, fields: dict[str, object]) -> InboundMessage | None:
    """Create once: an inbound message is known by its Message-ID."""
    if InboundMessage.objects.filter(message_id=fields["message_id"]).exists():
        run.report.count(kind, "unchanged")
        return None
    fields |= {"flags": ["legacy"], "source_uid": f"legacy:{record.id}"[:64]}
    try:
        with transaction.atomic():
            message = InboundMessage.objects.create(processed_at=run.now, **fields)
    except IntegrityError:
        run.report.count(kind, "unchanged")
        return None
    run.report.count(kind, "created")
    return message


# --- replies ------------------------------------------------------------------------------
def import_replies(run: Run) -> None:
    threads: dict[str, list[str]] = {}  # thread_id -> our Message-IDs in it
    for record in run.export.rows("emails"):
        thread = values.text(record.data, "thread_id")
        if outbound(record) and thread:
            mid = values.message_id(values.text(record.data, "message_id"))
            threads.setdefault(thread, []).append(mid)
    for record in run.export.rows("emails"):
        if not outbound(record):
            _reply(run, record, threads)


def _reply(run: Run, record: Record, threads: dict[str, list[str]]) -> None:
    sender = values.email_address(values.text(record.data, "from_email"))
    received = values.when(values.text(record.data, "sent_at", "received_at", "created_at"))
    if not sender or received is None:
        run.report.skip("replies", record.where, "no sender address or no time")
        return
    matched, how = _match(record, threads, sender, received)
    fields = _reply_fields(run, record, sender, matched)
    message = _save(run, "replies", record, fields | {"received_at": received, "match": how})
    if message is not None and matched is not None and message.kind == InboundMessage.Kind.REPLY:
        _stop_on_reply(matched, received)


def _reply_fields(
    run: Run, record: Record, sender: str, matched: OutboundEmail | None
) -> dict[str, object]:
    data = record.data
    contact = matched.contact if matched else Contact.objects.filter(email__iexact=sender).first()
    prospect = matched.prospect if matched else contact.prospect if contact else None
    kind = values.text(data, "email_type").lower()
    to = values.email_address(values.text(data, "to_email"))
    return {
        "inbox": inbox_for(run, to) if to else (matched.inbox if matched else None),
        "message_id": values.message_id(values.text(data, "message_id"))[:255]
        or _synthetic_id(record, "legacy-in"),
        "from_address": sender,
        "to_address": to,
        "subject": values.text(data, "subject")[:500],
        "body_text": values.text(data, "body", "body_text"),
        "kind": InboundMessage.Kind.AUTO_REPLY
        if kind == "out_of_office"
        else InboundMessage.Kind.REPLY,
        "intent": INTENTS.get(kind, "unclear"),
        "classification": {"legacy": {"email_type": kind, "id": record.id}},
        "matched_outbound": matched,
        "prospect": prospect or run.prospects.get(values.text(data, "prospect_id")),
        "contact": contact,
    }


def _match(
    record: Record, threads: dict[str, list[str]], sender: str, received: datetime
) -> tuple[OutboundEmail | None, str]:
    reply_to = values.message_id(values.text(record.data, "in_reply_to"))
    if reply_to and (found := OutboundEmail.objects.filter(message_id=reply_to).first()):
        return found, InboundMessage.Match.IN_REPLY_TO
    thread = threads.get(values.text(record.data, "thread_id"), [])
    before = OutboundEmail.objects.filter(sent_at__isnull=False, sent_at__lte=received)
    if thread and (found := before.filter(message_id__in=thread).order_by("-sent_at").first()):
        return found, InboundMessage.Match.REFERENCES
    found = before.filter(recipient__iexact=sender).order_by("-sent_at").first()
    return (found, InboundMessage.Match.SENDER) if found else (None, InboundMessage.Match.NONE)


def _stop_on_reply(matched: OutboundEmail, received: datetime) -> None:
    Enrollment.objects.filter(
        pk=matched.enrollment_id,
        status__in=[Enrollment.Status.ACTIVE, Enrollment.Status.PAUSED],
    ).update(status=Enrollment.Status.REPLIED, stopped_reason="legacy: replied")
    prospect_note_times(prospect_id=matched.prospect_id, replied_at=received)


# --- bounces ------------------------------------------------------------------------------
def import_bounces(run: Run) -> None:
    for record in run.export.rows("bounces"):
        _bounce(run, record)


def _bounce(run: Run, record: Record) -> None:
    address = values.email_address(values.text(record.data, "email"))
    if not address:
        run.report.skip("bounces", record.where, "no valid address")
        return
    kind = values.text(record.data, "type").lower() or "unknown"
    original = values.message_id(values.text(record.data, "original_message_id"))
    matched = OutboundEmail.objects.filter(message_id=original).first() if original else None
    contact = Contact.objects.filter(email__iexact=address).first()
    fields = _bounce_fields(record, kind, address, matched, contact)
    message = _save(run, "bounces", record, fields)
    detail = values.text(record.data, "reason")
    if kind == "complaint":
        suppress_legacy(run, address, Suppression.Reason.COMPLAINT, record, detail or kind)
    elif fields["bounce_consequence"] == Consequence.ADDRESS_BAD:
        _hard(run, address, matched, contact, record)
    elif message is not None:
        run.report.warn(f"{record.where}: {kind} bounce for {address} recorded, not suppressed")


def _bounce_fields(
    record: Record,
    kind: str,
    address: str,
    matched: OutboundEmail | None,
    contact: Contact | None,
) -> dict[str, object]:
    data, complaint = record.data, kind == "complaint"
    reason, consequence = BOUNCE_TYPES.get(kind, BOUNCE_TYPES["unknown"])
    return {
        "inbox": matched.inbox if matched else None,
        "message_id": values.message_id(values.text(data, "notification_id"))[:255]
        or _synthetic_id(record, "legacy-bounce"),
        "to_address": matched.from_address if matched else "",
        "subject": f"Legacy {kind} bounce",
        "body_text": values.text(data, "reason"),
        "received_at": values.when(values.text(data, "created_at")),
        "kind": InboundMessage.Kind.COMPLAINT if complaint else InboundMessage.Kind.BOUNCE,
        "bounce_reason": "" if complaint else str(reason),
        "bounce_consequence": "" if complaint else str(consequence),
        "bounce_recipient": address,
        "classification": {"legacy": {"type": kind, "smtp_code": values.text(data, "smtp_code")}},
        "matched_outbound": matched,
        "match": InboundMessage.Match.BOUNCE_HEADERS if matched else InboundMessage.Match.NONE,
        "prospect": contact.prospect if contact else None,
        "contact": contact,
    }


def _hard(
    run: Run, address: str, matched: OutboundEmail | None, contact: Contact | None, record: Record
) -> None:
    if matched is not None:
        transitions.bounce_sent(matched.pk, reason="legacy")
    if contact is not None:
        contact_mark_invalid(contact_id=contact.pk)
    detail = values.text(record.data, "reason") or "hard bounce in the old system"
    suppress_legacy(run, address, Suppression.Reason.BOUNCE, record, detail)
