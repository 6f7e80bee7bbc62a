"""Mail from people and their machines: a reply, an auto-reply, an opt-out, or other.

``kinds.analyze_message`` asks here once a message is neither a complaint nor a bounce. An
out-of-office is told apart by its headers first (RFC 3834 ``Auto-Submitted`` and the vendors'
own), its wording only as a last resort; bulk and list mail and daemons are "other".
"""

from __future__ import annotations

from email.message import Message

from inboxes.bounces import signals
from inboxes.bounces.mime import display_name, header
from inboxes.bounces.vocabulary import MessageKind

BULK_PRECEDENCE = ("bulk", "junk", "list")


def person_kind(msg: Message, *, subject: str, from_address: str, notice: str) -> MessageKind:
    if _is_auto_reply(msg, subject, notice):
        return MessageKind.AUTO_REPLY
    if _is_bulk(msg, from_address) or not from_address:
        return MessageKind.OTHER
    if signals.is_unsubscribe(subject, notice):
        return MessageKind.UNSUBSCRIBE
    return MessageKind.REPLY


def _is_auto_reply(msg: Message, subject: str, notice: str) -> bool:
    submitted = header(msg, "Auto-Submitted").strip().lower()
    if submitted and not submitted.startswith("no"):
        return True
    for name in signals.AUTO_REPLY_HEADERS:
        value = header(msg, name).strip().lower()
        if value and value not in ("no", "false", "0"):
            return True
    precedence = header(msg, "Precedence").strip().lower()
    if precedence == "auto_reply" or signals.OOO_SUBJECT.search(subject):
        return True
    wording = signals.OOO_WORDING.search(f"{subject}\n{notice[:1500]}")
    return precedence in BULK_PRECEDENCE and bool(wording)


def _is_bulk(msg: Message, from_address: str) -> bool:
    precedence = header(msg, "Precedence").strip().lower()
    local, _, _ = from_address.partition("@")
    return (
        precedence in BULK_PRECEDENCE
        or bool(header(msg, "List-Id") or header(msg, "List-Unsubscribe"))
        or bool(signals.MACHINE_LOCALPART.match(local))
        or signals.is_daemon_sender(local, display_name(msg, "From"))
    )
