"""Inbound mail: store every message raw, match it to our emails, and act on what it is.

Idempotent per (inbox, Message-ID). A message that cannot be parsed or processed is stored and
flagged, never raised: one hostile message must not stall an inbox's reader. Text bound for the
database is made storable first (``inbound_store.storable``); MIME depth and size limits are in
``inboxes/bounces/shape.py``; every database step runs in its own savepoint.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime
from email.header import decode_header, make_header
from email.message import EmailMessage, Message
from email.parser import BytesHeaderParser, BytesParser
from email.policy import compat32

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from aiengine.rules import Classification
from aiengine.rules.text import html_to_text
from inboxes.bounces import Analysis
from inboxes.bounces.kinds import analyze_parsed
from inboxes.bounces.mime import POLICY, notice_text, parse_bytes
from inboxes.bounces.shape import header_block, outline
from inboxes.models import Inbox
from outreach.models import InboundMessage, OutboundEmail
from outreach.services.inbound_store import error_text, storable

log = logging.getLogger(__name__)
KEPT_HEADERS = (
    "From",
    "To",
    "Cc",
    "Reply-To",
    "Subject",
    "Date",
    "Message-ID",
    "In-Reply-To",
    "References",
    "Auto-Submitted",
    "X-Autoreply",
    "X-Autorespond",
    "Precedence",
    "List-Id",
    "Return-Path",
    "Content-Type",
)


@dataclass(frozen=True)
class Match:
    outbound: OutboundEmail | None
    method: str


def body_text(raw: bytes, parsed: Message | None = None) -> tuple[str, list[str]]:
    """The readable text of a message, and flags for what went wrong reading it.

    Attachments are not parsed (shape.outline leaves big ones out), so a 20 MB attachment never
    stands between the classifier and the text; a message nested too deep has no text.
    ``parsed`` is the message ``analyze_parsed`` already parsed from the same readable bytes
    (its shape flags are in the analysis), so the reader parses each message once.
    """
    if parsed is not None:
        return _text_of(parsed, [])
    shape = outline(raw)
    if shape.headers_only:
        return "", list(shape.flags)
    try:
        msg = BytesParser(policy=POLICY).parsebytes(shape.readable)
    except Exception as exc:
        log.info("unreadable body: %s", exc)
        text, _ = notice_text(parse_bytes(shape.readable))
        return text, [*shape.flags, "unreadable_body"]
    return _text_of(msg, list(shape.flags))


def _text_of(msg: Message, flags: list[str]) -> tuple[str, list[str]]:
    try:
        assert isinstance(msg, EmailMessage)
        part = msg.get_body(preferencelist=("plain", "html"))
        if part is None:
            return "", flags
        text = part.get_content()
        if part.get_content_subtype() == "html":
            text = html_to_text(text)
        return str(text), flags
    except Exception as exc:  # bad charsets, broken MIME: read the text parts defensively
        log.info("unreadable body: %s", exc)
        text, _ = notice_text(msg)
        return text, [*flags, "unreadable_body"]


def headers_of(raw: bytes, parsed: Message | None = None) -> dict[str, str]:
    """The headers we keep, decoded (the first of each name, read as compat32 reads it: ~10x
    faster than policy.default). ``parsed``: the message already parsed, so none is parsed here."""
    try:
        if parsed is None:
            parsed = BytesHeaderParser(policy=compat32).parsebytes(header_block(raw))
        first: dict[str, tuple[str, str]] = {}
        for name, value in parsed.raw_items():
            first.setdefault(name.lower(), (name, value))
        out = {}
        for name in KEPT_HEADERS:
            found = first.get(name.lower())
            kept = compat32.header_fetch_parse(*found) if found else None
            if kept:
                out[name] = str(make_header(decode_header(str(kept))))[:2000]
        return out
    except Exception:
        return {}


def wanted_ids(analysis: Analysis) -> list[tuple[str, str]]:
    """The Message-IDs that may name our email, in the order they are trusted, with how."""
    wanted = [(analysis.in_reply_to or "", InboundMessage.Match.IN_REPLY_TO)]
    wanted += [(ref, InboundMessage.Match.REFERENCES) for ref in reversed(analysis.references)]
    wanted += [(analysis.original_message_id or "", InboundMessage.Match.BOUNCE_HEADERS)]
    return [(mid.strip(), str(how)) for mid, how in wanted if mid and mid.strip()]


def match(inbox: Inbox, analysis: Analysis) -> Match:
    """In-Reply-To, then References (newest first), then a bounce's original, then the sender."""
    if wanted := wanted_ids(analysis):
        found = {
            e.message_id: e
            for e in OutboundEmail.objects.filter(message_id__in=[mid for mid, _ in wanted])
        }
        for mid, how in wanted:
            if mid in found:
                return Match(found[mid], how)
    if analysis.kind not in ("bounce", "complaint") and analysis.from_address:
        hit = (
            OutboundEmail.objects.filter(
                recipient__iexact=analysis.from_address, inbox=inbox, sent_at__isnull=False
            )
            .order_by("-sent_at")
            .first()
        )
        if hit:
            return Match(hit, InboundMessage.Match.SENDER)
    return Match(None, InboundMessage.Match.NONE)


def _message_id(analysis: Analysis, raw: bytes) -> str:
    # A message without a Message-ID still gets a stable key, so re-reading it changes nothing.
    return (analysis.message_id or "").strip()[:255] or (
        f"<{hashlib.sha256(raw).hexdigest()}@jengu.no-message-id>"
    )


def ingest_message(
    *, inbox: Inbox, raw: bytes, source_uid: str = "", received_at: datetime | None = None
) -> tuple[InboundMessage, bool]:
    """Store and process one message. Returns (message, created).

    Raises only when the message cannot be stored at all; the reader then keeps it aside
    (``inbound_store.quarantine``) and goes on with the next one.
    """
    msg, analysis = _draft(inbox, raw, source_uid, received_at)
    with transaction.atomic():  # a savepoint: a failed query must not poison the caller's
        existing = InboundMessage.objects.filter(inbox=inbox, message_id=msg.message_id).first()
        if existing:
            return existing, False
        found = match(inbox, analysis)
    msg.matched_outbound, msg.match = found.outbound, found.method
    msg.prospect_id = found.outbound.prospect_id if found.outbound else None
    msg.contact_id = found.outbound.contact_id if found.outbound else None
    classification = classify(msg)  # before the transaction: it may call an LLM
    removed: set[str] = set()
    msg.classification = storable(msg.classification, removed)
    msg.flags = sorted({*msg.flags, *removed})
    msg.raw.save(
        f"{inbox.key}-{hashlib.sha256(raw).hexdigest()[:16]}.eml", ContentFile(raw), save=False
    )
    try:
        with transaction.atomic():
            msg.save()
            process(msg, analysis, classification)
    except IntegrityError:
        return InboundMessage.objects.get(inbox=inbox, message_id=msg.message_id), False
    except Exception:
        msg.raw.delete(save=False)  # the quarantined copy keeps the bytes; no orphan file
        raise
    return msg, True


def _draft(
    inbox: Inbox, raw: bytes, source_uid: str, received_at: datetime | None
) -> tuple[InboundMessage, Analysis]:
    """The unsaved row and the analysis, with every text made storable (no database here)."""
    removed: set[str] = set()
    analysis, parsed = analyze_parsed(raw)
    analysis = storable(analysis, removed)
    text, flags = storable(body_text(raw, parsed), removed)
    headers = storable(headers_of(raw, parsed), removed)
    uid = storable(source_uid, removed)
    msg = InboundMessage(
        inbox=inbox,
        message_id=_message_id(analysis, raw),
        headers=headers,
        from_address=analysis.from_address[:320],
        subject=analysis.subject[:500],
        to_address=headers.get("To", "")[:320],
        body_text=text[:50000],
        received_at=received_at or timezone.now(),
        kind=str(analysis.kind),
        flags=sorted({*analysis.flags, *flags, *removed}),
        source_uid=uid[:64],
    )
    if analysis.verdict:
        v = analysis.verdict
        msg.bounce_reason, msg.bounce_consequence = str(v.reason), str(v.consequence)
        msg.bounce_recipient = (v.recipient or "")[:320]
    return msg, analysis


def classify(msg: InboundMessage) -> Classification | None:
    """Human messages get an intent (offline rules, then the LLM when they are unsure)."""
    if msg.kind not in (
        InboundMessage.Kind.REPLY,
        InboundMessage.Kind.AUTO_REPLY,
        InboundMessage.Kind.UNSUBSCRIBE,
    ):
        return None
    from aiengine.services.classifying import classify_reply_text

    try:
        verdict = classify_reply_text(subject=msg.subject, body=msg.body_text, headers=msg.headers)
    except Exception as exc:
        log.warning("classification failed: %s", exc)
        msg.flags = sorted({*msg.flags, "unclassified"})
        return None
    msg.intent, msg.confidence = str(verdict.intent), verdict.confidence
    msg.classification = {
        "intent": str(verdict.intent),
        "confidence": verdict.confidence,
        "reason": verdict.reason,
        "decided_by": verdict.decided_by,
        "return_date": verdict.return_date.isoformat() if verdict.return_date else None,
        "delegate_email": verdict.delegate_email,
        "delegate_name": verdict.delegate_name,
    }
    return verdict


def process(msg: InboundMessage, analysis: Analysis, classification: Classification | None) -> None:
    """Act on a stored message; a failure is recorded on the row (savepoint), not raised."""
    from outreach.services.inbound_actions import act

    try:
        with transaction.atomic():
            act(msg, analysis, classification)
        InboundMessage.objects.filter(pk=msg.pk).update(processed_at=timezone.now(), error="")
    except Exception as exc:
        log.exception("inbound processing failed", extra={"inbound": msg.pk})
        InboundMessage.objects.filter(pk=msg.pk).update(
            error=error_text(exc), flags=sorted({*msg.flags, "error"})
        )
