"""Inbound mail: store every message raw, match it to our emails, and act on what it is.

Idempotent per (inbox, Message-ID). A message that cannot be parsed or processed is stored and
flagged, never raised: one hostile message must not stall an inbox's reader.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime
from email.header import decode_header, make_header
from email.message import EmailMessage
from email.parser import BytesHeaderParser, BytesParser
from email.policy import compat32
from email.policy import default as default_policy

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from aiengine.rules import Classification
from aiengine.rules.text import html_to_text
from inboxes.bounces import Analysis, analyze_message
from inboxes.models import Inbox
from outreach.models import InboundMessage, OutboundEmail

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


def body_text(raw: bytes) -> tuple[str, list[str]]:
    """The readable text of a message, and flags for what went wrong reading it."""
    try:
        msg = BytesParser(policy=default_policy).parsebytes(raw)
        assert isinstance(msg, EmailMessage)
        part = msg.get_body(preferencelist=("plain", "html"))
        if part is None:
            return "", []
        text = part.get_content()
        if part.get_content_subtype() == "html":
            text = html_to_text(text)
        return str(text), []
    except Exception as exc:  # bad charsets, broken MIME: keep going with what we have
        log.info("unreadable body: %s", exc)
        return raw[:20000].decode("utf-8", "replace"), ["unreadable_body"]


def headers_of(raw: bytes) -> dict[str, str]:
    """The headers we keep, decoded. compat32 parsing: ~10x faster than policy.default here."""
    try:
        msg = BytesHeaderParser(policy=compat32).parsebytes(raw)
        out = {}
        for name in KEPT_HEADERS:
            value = msg.get(name)
            if value:
                out[name] = str(make_header(decode_header(str(value))))[:2000]
        return out
    except Exception:
        return {}


def match(inbox: Inbox, analysis: Analysis) -> Match:
    """In-Reply-To, then References (newest first), then a bounce's original, then the sender."""
    wanted = [(analysis.in_reply_to or "", InboundMessage.Match.IN_REPLY_TO)]
    wanted += [(ref, InboundMessage.Match.REFERENCES) for ref in reversed(analysis.references)]
    wanted += [(analysis.original_message_id or "", InboundMessage.Match.BOUNCE_HEADERS)]
    wanted = [(mid.strip(), how) for mid, how in wanted if mid and mid.strip()]
    if wanted:
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
    """Store and process one message. Returns (message, created)."""
    analysis = analyze_message(raw)
    message_id = _message_id(analysis, raw)
    existing = InboundMessage.objects.filter(inbox=inbox, message_id=message_id).first()
    if existing:
        return existing, False
    text, flags = body_text(raw)
    headers = headers_of(raw)
    found = match(inbox, analysis)
    msg = InboundMessage(
        inbox=inbox,
        message_id=message_id,
        headers=headers,
        from_address=analysis.from_address[:320],
        subject=analysis.subject[:500],
        to_address=headers.get("To", "")[:320],
        body_text=text[:50000],
        received_at=received_at or timezone.now(),
        kind=str(analysis.kind),
        flags=sorted({*analysis.flags, *flags}),
        source_uid=source_uid[:64],
        matched_outbound=found.outbound,
        match=found.method,
        prospect_id=found.outbound.prospect_id if found.outbound else None,
        contact_id=found.outbound.contact_id if found.outbound else None,
    )
    if analysis.verdict:
        v = analysis.verdict
        msg.bounce_reason, msg.bounce_consequence = str(v.reason), str(v.consequence)
        msg.bounce_recipient = (v.recipient or "")[:320]
    classification = classify(msg)  # before the transaction: it may call an LLM
    msg.raw.save(
        f"{inbox.key}-{hashlib.sha256(raw).hexdigest()[:16]}.eml", ContentFile(raw), save=False
    )
    try:
        with transaction.atomic():
            msg.save()
            process(msg, analysis, classification)
    except IntegrityError:
        return InboundMessage.objects.get(inbox=inbox, message_id=message_id), False
    return msg, True


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
            error=f"{type(exc).__name__}: {exc}"[:2000], flags=sorted({*msg.flags, "error"})
        )
