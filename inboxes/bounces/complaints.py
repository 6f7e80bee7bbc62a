"""Complaints: ARF feedback reports (RFC 5965) and the feedback that arrives without ARF.

Besides ARF, spam complaints come as provider feedback loops of their own shape (Microsoft JMRP:
the original attached with ``X-HmXmrOriginalRecipient``; AOL/Yahoo-style notices with the
original as ``message/rfc822``), SpamCop reports, hosting abuse desks forwarding our message
("we received a complaint about a message sent from your server") and "this message was reported
as spam" notices. One of those is a complaint only when three things agree: complaint wording
in the subject or the note above the quoted message, a copy of our message (attached, or its
quoted headers), and a sender that files reports (an abuse desk, a feedback loop, a daemon) or
wording that only such a report uses. A person who writes "please don't mark this as spam" or
"I reported you as spam by mistake" sends no copy of our message with its headers, and a
newsletter about spam filters is bulk mail: neither is a complaint.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from email.message import Message

from inboxes.bounces import signals
from inboxes.bounces.classify import normalize_address
from inboxes.bounces.dsn import Original, original, parse_fields, report_part_text
from inboxes.bounces.mime import address, content_type, display_name, header, own_parts, param
from inboxes.bounces.plaintext import cut_original

_I = re.IGNORECASE
COPY_TYPES = frozenset(
    {"message/rfc822", "message/global", "text/rfc822-headers", "message/rfc822-headers"}
)
# Wording that only a report about a message uses.
REPORT_WORDING = re.compile(
    r"abuse report|report of abuse|spam complaint|abuse complaint|complaint (about|regarding"
    r"|concerning|for) (a |an |the |one |your )?(e-?mail |spam |bulk )?(message|e-?mail|mail)"
    r"|feedback loop|\bfbl\b|junk mail report|\bjmrp\b|client tos notification|\bspamcop\b"
    r"|spam-?beschwerde|missbrauchs?(meldung|beschwerde)|plainte (pour|concernant)( un)? spam"
    r"|жалоб[аы] на спам",
    _I,
)
# Wording a person might also use about their own spam folder: it needs a report's sender.
SPAM_WORDING = re.compile(
    r"reported (to us )?(as|for) (spam|junk|abuse)"
    r"|(was|were|been|is|got) (reported|marked|flagged) (as|for) (spam|junk|abuse)"
    r"|(user|recipient|subscriber|customer)s? (has |have )?(reported|marked|flagged) (it|this"
    r"|your|the|a)( \w+){0,2} (as|for) (spam|junk|abuse)"
    r"|als spam (gemeldet|markiert)|signalé comme (spam|indésirable)"
    r"|(denunciado|marcado|reportado) como spam|segnalat[oa] come spam|(отмечено|помечено) как спам",
    _I,
)
# "Please don't mark this as spam", "make sure you are not reported as spam".
NEGATED = re.compile(
    r"\b(don'?t|do not|not|never|didn'?t|did not|avoid|without) (be(ing)? )?(\w+ ){0,3}?"
    r"(mark|report|flag)\w* (\w+ ){0,3}?(as|for) (spam|junk|abuse)",
    _I,
)
FEEDBACK_LOCALPART = re.compile(
    r"^(abuse|abuse[-_.]?(desk|team|report|reports|dept)|fbl|feedback[-_.]?loop|feedbackloop"
    r"|complaints?|scomp|staff|spam|spamcop|junk[-_.]?mail|report[-_.]?spam|arf|noc"
    r"|trust[-_.]?(and[-_.]?)?safety|security)([+.-].*)?$",
    _I,
)
FEEDBACK_NAME = re.compile(
    r"abuse|feedback loop|complaint|spamcop|junk mail report|trust (and|&) safety|postmaster", _I
)
FEEDBACK_DOMAINS = ("spamcop.net", "abuse.net", "abusix.com")
# Feedback loops redact the complainant's mailbox: "redacted@aol.com", "xxxxx@example.com".
REDACTED = re.compile(
    r"^(redacted|removed|hidden|anonymi[sz]ed|x+|\*+|_+|user|someone|recipient)$", _I
)
RECIPIENT_HEADERS = ("X-HmXmrOriginalRecipient", "X-Original-To", "Original-Rcpt-To")


@dataclass(frozen=True)
class Complaint:
    recipient: str | None
    original_message_id: str | None
    flags: tuple[str, ...]


def arf(msg: Message, notice: str) -> Complaint | None:
    """An ARF report: a ``message/feedback-report`` part, or the report type says so."""
    parts = [part for part in own_parts(msg) if content_type(part) == "message/feedback-report"]
    if not parts and param(msg, "report-type") != "feedback-report":
        return None
    fields: dict[str, str] = {}
    for part in parts:
        for block in parse_fields(report_part_text(part)):
            fields.update(block)
    source = original(msg, notice)
    recipient = _usable(fields.get("original-rcpt-to")) or _usable(source.to)
    kind = (fields.get("feedback-type") or "abuse").lower()
    return Complaint(recipient, source.message_id, (f"feedback:{kind}",))


def non_arf(msg: Message, *, subject: str, from_address: str, notice: str) -> Complaint | None:
    """A complaint in any other shape, or None (see the module docstring for the rule)."""
    if _is_bulk(msg):
        return None
    explanation, _ = cut_original(notice)
    wording = _wording(f"{subject}\n{explanation[:5000]}")
    if wording is None:
        return None
    source = original(msg, notice)
    if not (_carries_copy(msg) or source.message_id):
        return None
    if wording != "report" and not _files_reports(msg, from_address):
        return None
    ignore = {from_address, address(msg, "To")}
    recipient = _recipient(msg, explanation, source, ignore)
    return Complaint(recipient, source.message_id, ("feedback:abuse", "not_arf"))


def _wording(text: str) -> str | None:
    """Which complaint wording the text has: "report" (only reports use it), "spam", or None."""
    text = NEGATED.sub(" ", " ".join(text.split()))
    if REPORT_WORDING.search(text):
        return "report"
    return "spam" if SPAM_WORDING.search(text) else None


def _is_bulk(msg: Message) -> bool:
    precedence = header(msg, "Precedence").strip().lower()
    return precedence in ("bulk", "list") or bool(
        header(msg, "List-Id") or header(msg, "List-Unsubscribe")
    )


def _carries_copy(msg: Message) -> bool:
    return any(content_type(part) in COPY_TYPES for part in own_parts(msg))


def _files_reports(msg: Message, from_address: str) -> bool:
    local, _, domain = from_address.partition("@")
    name = display_name(msg, "From")
    return bool(
        FEEDBACK_LOCALPART.match(local)
        or FEEDBACK_NAME.search(name)
        or signals.is_daemon_sender(local, name)
        or signals.MACHINE_LOCALPART.match(local)
        or any(domain == d or domain.endswith("." + d) for d in FEEDBACK_DOMAINS)
    )


def _recipient(msg: Message, explanation: str, source: Original, ignore: set[str]) -> str | None:
    """Who complained: a provider's recipient header, a quoted field, else the copy's To.

    Only the copy's headers count: the report's own (``X-Original-To`` and the like) name our
    mailbox that received the report.
    """
    candidates = [header(part, name) for part in _copies(msg) for name in RECIPIENT_HEADERS]
    found = re.search(
        r"^\s*(?:Original-Rcpt-To|X-HmXmrOriginalRecipient):\s*(.+)$",
        explanation,
        re.MULTILINE | _I,
    )
    candidates += [found.group(1) if found else "", source.to or ""]
    for value in candidates:
        usable = _usable(value)
        if usable and usable not in ignore:
            return usable
    return None


def _copies(msg: Message) -> list[Message]:
    """The attached originals (the message inside each message/rfc822 part)."""
    inner: list[Message] = []
    for part in own_parts(msg):
        payload = part.get_payload() if content_type(part) in COPY_TYPES else None
        if isinstance(payload, list):
            inner += [p for p in payload if isinstance(p, Message)]
    return inner


def _usable(value: str | None) -> str | None:
    found = normalize_address(value)
    if found is None or REDACTED.match(found.partition("@")[0]):
        return None
    return found
