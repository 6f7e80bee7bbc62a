"""A reply's whole thread: every email we sent the prospect and every message they sent back,
in order, each body split into its new text and the quote below it (shown collapsed)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from outreach.models import InboundMessage, OutboundEmail, Reply
from outreach.services.settle import ANSWER

# Where a quoted earlier message starts: "On ... wrote:", a "> " line, Outlook's header block.
_QUOTE_START = re.compile(
    r"^(?:On\b.{0,300}\bwrote:\s*$|Le\b.{0,300}\ba écrit\s*:\s*$|Am\b.{0,300}\bschrieb.{0,80}:\s*$"
    r"|El\b.{0,300}\bescribió:\s*$|>|-{2,}\s*Original Message\s*-{2,}|_{10,}\s*$"
    r"|From:\s.*$)",
    re.IGNORECASE,
)
_LAST = datetime.max.replace(tzinfo=UTC)


def split_quote(text: str) -> tuple[str, str]:
    """(the new text, the quoted rest). A message that is all quote keeps it as its text."""
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if i > 0 and _QUOTE_START.match(line.strip()):
            return "\n".join(lines[:i]).rstrip(), "\n".join(lines[i:]).strip()
    return text.rstrip(), ""


@dataclass(frozen=True)
class ThreadEntry:
    direction: str  # "outbound" or "inbound"
    id: int
    at: datetime | None
    sender: str
    recipient: str
    subject: str
    text: str
    quoted: str
    status: str  # outbound: the ledger status; inbound: the kind
    label: str  # "Step 2", "Answer", "Reply", "Auto-reply", ...
    intent: str = ""
    message_id: str = ""

    @property
    def intent_label(self) -> str:
        return self.intent.replace("_", " ")

    def as_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


def _outbound(email: OutboundEmail) -> ThreadEntry:
    text, quoted = split_quote(email.body_text)
    return ThreadEntry(
        direction="outbound",
        id=email.pk,
        at=email.sent_at or email.send_after,
        sender=email.from_address or (email.inbox.address if email.inbox else ""),
        recipient=email.recipient,
        subject=email.subject,
        text=text,
        quoted=quoted,
        status=email.status,
        label="Answer" if email.strategy == ANSWER else f"Step {email.step}",
        message_id=email.message_id,
    )


def _inbound(msg: InboundMessage) -> ThreadEntry:
    text, quoted = split_quote(msg.body_text)
    return ThreadEntry(
        direction="inbound",
        id=msg.pk,
        at=msg.received_at or msg.created_at,
        sender=msg.from_address,
        recipient=msg.to_address,
        subject=msg.subject,
        text=text,
        quoted=quoted,
        status=msg.kind,
        label=msg.get_kind_display(),
        intent=msg.intent,
        message_id=msg.message_id,
    )


def reply_thread(reply: Reply) -> list[ThreadEntry]:
    """The prospect's emails both ways, oldest first (only the reply itself when it matched no
    prospect). Bounces are left out: they are the mail system's, not the conversation's."""
    if reply.prospect_id is None:
        return [_inbound(reply)]
    outbound = (
        OutboundEmail.objects.filter(prospect_id=reply.prospect_id)
        .exclude(status__in=[OutboundEmail.Status.CANCELLED, OutboundEmail.Status.DRAFT])
        .select_related("inbox")
    )
    inbound = InboundMessage.objects.filter(prospect_id=reply.prospect_id).exclude(
        kind=InboundMessage.Kind.BOUNCE
    )
    entries = [_outbound(e) for e in outbound] + [_inbound(m) for m in inbound]
    return sorted(entries, key=lambda e: (e.at or _LAST, e.direction == "inbound", e.id))
