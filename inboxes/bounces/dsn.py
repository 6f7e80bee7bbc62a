"""RFC 3464 delivery status notifications and the original message they return.

Fields are read from the message/delivery-status part; the original Message-ID from the attached
message/rfc822 or text/rfc822-headers part, or from headers quoted in the notice text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from email import policy
from email.message import Message
from email.parser import HeaderParser

from inboxes.bounces.classify import normalize_address
from inboxes.bounces.mime import (
    clean_str,
    content_type,
    decode_part,
    first_message_id,
    header,
    normalize_newlines,
    own_parts,
)

STATUS_TYPES = frozenset({"message/delivery-status", "message/global-delivery-status"})
ORIGINAL_TYPES = frozenset({"message/rfc822", "message/global"})
HEADER_TYPES = frozenset({"text/rfc822-headers", "message/rfc822-headers"})

_FIELD = re.compile(r"^([A-Za-z][A-Za-z0-9-]*)[ \t]*:[ \t]*(.*)$")
_TYPE_PREFIX = re.compile(r"^\s*[A-Za-z][\w-]*\s*;\s*")
_QUOTED_ID = re.compile(r"^[ \t>]*Message-ID:[ \t]*\n?[ \t]*(\S+)", re.IGNORECASE | re.MULTILINE)
_QUOTED_TO = re.compile(r"^[ \t>]*To:[ \t]*(.+)$", re.IGNORECASE | re.MULTILINE)
_QUOTED_HEADERS = re.compile(
    r"^[ \t>]*(Received|Return-Path|Message-ID|Date|From|Subject|MIME-Version):",
    re.IGNORECASE | re.MULTILINE,
)


@dataclass(frozen=True)
class RecipientReport:
    """One per-recipient block of a DSN (or its plain-text equivalent)."""

    recipient: str | None
    action: str
    status: str | None
    diagnostic: str


@dataclass(frozen=True)
class Original:
    """What we can learn about the message that bounced."""

    message_id: str | None = None
    to: str | None = None


def parse_fields(text: str) -> list[dict[str, str]]:
    """Blocks of ``Name: value`` fields separated by blank lines; names lower-cased.

    A name repeating inside a block starts a new block, which rescues reports whose
    recipients are not separated by blank lines.
    """
    blocks: list[dict[str, str]] = []
    current: dict[str, str] = {}
    last = ""
    for line in normalize_newlines(text).split("\n"):
        if not line.strip():
            current, last = _close(blocks, current), ""
            continue
        if line[0] in " \t" and last:
            current[last] = f"{current[last]} {line.strip()}"
            continue
        match = _FIELD.match(line)
        if not match:
            continue
        name = match.group(1).lower()
        if name in current:
            current = _close(blocks, current)
        current[name], last = match.group(2).strip(), name
    _close(blocks, current)
    return blocks


def _close(blocks: list[dict[str, str]], current: dict[str, str]) -> dict[str, str]:
    if current:
        blocks.append(current)
    return {}


def report_part_text(part: Message) -> str:
    """The raw field text of a delivery-status or feedback-report part."""
    payload = part.get_payload()
    if not isinstance(payload, list):
        return decode_part(part)[0]
    chunks = []
    for block in payload:
        if not isinstance(block, Message):
            continue
        lines = [f"{key}: {value}" for key, value in block.raw_items()]
        body = block.get_payload()
        if isinstance(body, str) and body.strip():
            lines.append(body)
        chunks.append("\n".join(lines))
    # Raw field values keep undecodable 8-bit bytes as surrogates; make them valid text.
    return clean_str("\n\n".join(chunks))


def dsn_reports(msg: Message) -> tuple[list[RecipientReport], bool]:
    """Per-recipient reports from every delivery-status part, and whether there was one."""
    reports: list[RecipientReport] = []
    found = False
    for part in own_parts(msg):
        if content_type(part) not in STATUS_TYPES:
            continue
        found = True
        for block in parse_fields(report_part_text(part)):
            if _is_recipient_block(block):
                reports.append(_report(block))
    return reports, found


def _is_recipient_block(block: dict[str, str]) -> bool:
    return any(key in block for key in ("final-recipient", "original-recipient", "action"))


def _report(block: dict[str, str]) -> RecipientReport:
    recipient = block.get("final-recipient") or block.get("original-recipient")
    action = (block.get("action") or "").strip().lower().split(" ")[0]
    diagnostic = _TYPE_PREFIX.sub("", block.get("diagnostic-code", ""), count=1)
    return RecipientReport(
        recipient=normalize_address(recipient),
        action=action,
        status=block.get("status") or None,
        diagnostic=diagnostic,
    )


def original(msg: Message, notice: str) -> Original:
    """Message-ID and To of the returned message, from attachments or quoted headers."""
    for part in own_parts(msg):
        kind = content_type(part)
        if kind in ORIGINAL_TYPES:
            found = _from_attached(part)
        elif kind in HEADER_TYPES:
            found = _from_headers_text(decode_part(part)[0])
        else:
            continue
        if found.message_id or found.to:
            return found
    return _from_quoted(notice)


def _from_attached(part: Message) -> Original:
    payload = part.get_payload()
    inner = payload[0] if isinstance(payload, list) and payload else None
    if not isinstance(inner, Message):
        return _from_headers_text(decode_part(part)[0])
    return Original(first_message_id(header(inner, "Message-ID")), _to(header(inner, "To")))


def _from_headers_text(text: str) -> Original:
    try:
        headers = HeaderParser(policy=policy.default).parsestr(normalize_newlines(text))
    except Exception:  # fall back to the regex scan below
        return _from_quoted(text)
    found = Original(first_message_id(header(headers, "Message-ID")), _to(header(headers, "To")))
    return found if found.message_id else _from_quoted(text)


def _from_quoted(text: str) -> Original:
    id_match = _QUOTED_ID.search(text)
    # Only a To: inside a quoted header block names the original recipient.
    block = _QUOTED_HEADERS.search(text)
    to_match = _QUOTED_TO.search(text, block.start()) if block else None
    message_id = first_message_id(id_match.group(1)) if id_match else None
    return Original(message_id, _to(to_match.group(1)) if to_match else None)


def _to(value: str) -> str | None:
    return normalize_address(value)
