"""Defensive MIME access: every helper returns something usable for any bytes and never raises.

Inbound mail is hostile or broken often enough (unknown charsets, missing boundaries, 8-bit
headers) that the email package's own accessors cannot be trusted not to throw.
"""

from __future__ import annotations

import codecs
import html
import re
from collections.abc import Iterator
from email import policy
from email.header import decode_header, make_header
from email.headerregistry import BaseHeader, HeaderRegistry
from email.message import Message
from email.parser import BytesParser, HeaderParser
from email.utils import getaddresses

MAX_PARTS = 200
MAX_NOTICE = 200_000  # characters of notice text worth reading; the rest is attachments

# Parts that hold another message or machine fields: text inside them is not the notice itself.
CONTAINER_TYPES = frozenset(
    {
        "message/rfc822",
        "message/global",
        "text/rfc822-headers",
        "message/rfc822-headers",
        "message/delivery-status",
        "message/global-delivery-status",
        "message/feedback-report",
        "message/disposition-notification",
    }
)

_MSG_ID = re.compile(r"<([^<>\s]+)>")
_BARE_ID = re.compile(r"[^<>\s]+@[^<>\s]+")


class _CachedHeaders(HeaderRegistry):
    """policy.default parses a header again on every access (a DSN reads Content-Type some fifty
    times while it is classified): parsed headers are immutable, so equal ones are shared."""

    MAX = 4096  # entries, each at most LONGEST characters: a few MB at most
    LONGEST = 1000

    def __init__(self) -> None:
        super().__init__()
        self._seen: dict[tuple[str, str], BaseHeader] = {}

    def __call__(self, name: str, value: str) -> BaseHeader:
        if len(value) > self.LONGEST:  # a hostile header is parsed each time, never kept
            return super().__call__(name, value)
        key = (name, value)
        found = self._seen.get(key)
        if found is None:
            if len(self._seen) >= self.MAX:
                self._seen.clear()
            found = self._seen[key] = super().__call__(name, value)
        return found


POLICY = policy.default.clone(header_factory=_CachedHeaders())


def parse_bytes(raw: bytes) -> Message:
    """Parse with the modern policy; fall back to a latin-1 round trip if even that fails."""
    try:
        return BytesParser(policy=POLICY).parsebytes(raw)
    except Exception:  # any parser bug must not stop the inbound pipeline
        text = raw.decode("latin-1")
        return HeaderParser(policy=policy.compat32).parsestr(text)


def clean_str(value: str) -> str:
    """Replace lone surrogates (from undecodable 8-bit bytes) so the text is valid UTF-8."""
    try:
        value.encode("utf-8")
        return value
    except UnicodeEncodeError:
        pass
    try:
        return value.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    except UnicodeEncodeError:
        return value.encode("utf-8", "replace").decode("utf-8")


def header(msg: Message, name: str) -> str:
    """The decoded value of a header, or ""."""
    try:
        value = msg.get(name)
        return "" if value is None else clean_str(str(value))
    except Exception:  # policy.default header parsing has known edge-case bugs
        return _raw_header(msg, name)


def _raw_header(msg: Message, name: str) -> str:
    try:
        for key, value in msg.raw_items():
            if key.lower() == name.lower():
                return clean_str(str(make_header(decode_header(str(value)))))
    except Exception:  # an undecodable header reads as absent
        return ""
    return ""


def address(msg: Message, name: str) -> str:
    """The first address in a header, lower-cased, or ""."""
    value = header(msg, name)
    try:
        pairs = getaddresses([value])
    except Exception:
        return ""
    for _, addr in pairs:
        local, _, domain = addr.strip().rpartition("@")
        if local and "." in domain:
            return addr.strip().lower()
    return ""


def display_name(msg: Message, name: str) -> str:
    try:
        pairs = getaddresses([header(msg, name)])
    except Exception:
        return ""
    return pairs[0][0] if pairs else ""


def message_ids(value: str) -> list[str]:
    """Every Message-ID in a header value, as ``<id>``."""
    found = [f"<{m}>" for m in _MSG_ID.findall(value or "")]
    if not found:
        found = [f"<{m}>" for m in _BARE_ID.findall(value or "")]
    return found


def first_message_id(value: str) -> str | None:
    found = message_ids(value)
    return found[0] if found else None


def content_type(part: Message) -> str:
    try:
        return part.get_content_type().lower()
    except Exception:
        return "text/plain"


def param(part: Message, name: str) -> str:
    try:
        return str(part.get_param(name, "") or "").lower()
    except Exception:
        return ""


def own_parts(msg: Message) -> Iterator[Message]:
    """Every part of the message, without descending into attached messages or reports."""
    queue = [msg]
    seen = 0
    while queue and seen < MAX_PARTS:
        part = queue.pop(0)
        seen += 1
        yield part
        if content_type(part) in CONTAINER_TYPES or not _is_multipart(part):
            continue
        payload = part.get_payload()
        if isinstance(payload, list):
            queue.extend(p for p in payload if isinstance(p, Message))


def _is_multipart(part: Message) -> bool:
    try:
        return part.is_multipart()
    except Exception:
        return False


def decode_part(part: Message) -> tuple[str, bool]:
    """The part's text and whether it decoded cleanly (known charset, valid bytes)."""
    try:
        data = part.get_payload(decode=True)
    except Exception:
        data = None
    if not isinstance(data, bytes):
        payload = part.get_payload()
        return (clean_str(payload), True) if isinstance(payload, str) else ("", True)
    charset = param(part, "charset") or "utf-8"
    known = _known_charset(charset)
    for candidate in (charset if known else "utf-8", "utf-8"):
        try:
            return data.decode(candidate), known
        except (UnicodeDecodeError, LookupError, ValueError):
            continue
    return data.decode("latin-1"), False


def _known_charset(charset: str) -> bool:
    try:
        codecs.lookup(charset)
        return True
    except (LookupError, ValueError):  # ValueError: a NUL byte inside the charset name
        return False


def notice_text(msg: Message) -> tuple[str, bool]:
    """The human-readable text of the message itself (not of attached messages).

    Plain parts are preferred; HTML is reduced to text only when there is no plain part.
    A multipart whose boundary never appears arrives as one string and is used as is.
    """
    plain: list[str] = []
    rich: list[str] = []
    clean = True
    for part in own_parts(msg):
        kind = content_type(part)
        broken_multipart = kind.startswith("multipart/") and not _is_multipart(part)
        if kind == "text/plain" or broken_multipart or kind.startswith("text/x-"):
            text, ok = decode_part(part)
            plain.append(text)
        elif kind == "text/html":
            text, ok = decode_part(part)
            rich.append(html_to_text(text))
        else:
            continue
        clean = clean and ok
    chosen = plain if any(t.strip() for t in plain) else rich
    return normalize_newlines("\n\n".join(chosen))[:MAX_NOTICE], clean


def normalize_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


_DROP = re.compile(r"<(script|style|head)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_BREAK = re.compile(r"<(br|/p|/div|/tr|/li|/h\d|/table)\b[^>]*>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")


def html_to_text(markup: str) -> str:
    text = _BREAK.sub("\n", _DROP.sub(" ", markup))
    text = html.unescape(_TAG.sub(" ", text))
    lines = (" ".join(line.split()) for line in normalize_newlines(text).split("\n"))
    return "\n".join(lines)


def has_defects(msg: Message) -> bool:
    """True when the MIME structure itself is broken (missing boundary, bad encoding...)."""
    try:
        return any(getattr(part, "defects", None) for part in own_parts(msg))
    except Exception:
        return True
