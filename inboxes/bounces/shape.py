"""The shape of an inbound message, found before it is parsed: depth, parts, big attachments.

Python's email parser recurses once per nesting level and holds every attachment in memory
(about eight times the message's size), so a hostile or merely large message could exhaust the
stack or a worker's memory. ``outline`` scans the bytes once, without recursion, and decides what
the parser may see:

- deeper than ``MAX_MIME_DEPTH`` levels (multipart or attached message) or more than
  ``MAX_MIME_PARTS`` parts: the headers only; flagged ``mime_too_deep`` / ``mime_too_many_parts``;
- an attachment (any body that is not text or a report) over ``SKIP_ATTACHMENT_BYTES``: its body
  is left out of the copy that gets parsed, so the text part is still read and classified;
- a text part over ``MAX_TEXT_PART_BYTES``: read up to that size, flagged ``text_truncated``.

The stored raw message is never changed; only what is parsed is. A message that needs none of
this is parsed exactly as it arrived.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from email.message import Message
from email.parser import BytesHeaderParser
from email.policy import compat32

MAX_MIME_DEPTH = 30  # real mail nests 2-6 levels; a forwarded bounce of a bounce about 10
MAX_MIME_PARTS = 500
SKIP_ATTACHMENT_BYTES = 64 * 1024
MAX_TEXT_PART_BYTES = 1024 * 1024

TOO_DEEP = "mime_too_deep"
TOO_MANY_PARTS = "mime_too_many_parts"
TEXT_TRUNCATED = "text_truncated"

# Bodies worth reading besides text/*: the machine parts of bounces and complaints.
READ_TYPES = frozenset(
    {
        "message/delivery-status",
        "message/global-delivery-status",
        "message/feedback-report",
        "message/disposition-notification",
        "message/rfc822-headers",
        "message/global-headers",
    }
)
NESTED_TYPES = frozenset({"message/rfc822", "message/global"})
_BLANK_LINE = re.compile(rb"\n\r?\n")


@dataclass(frozen=True)
class Outline:
    readable: bytes  # what to parse: the raw message, or a copy without big attachment bodies
    depth: int
    parts: int
    flags: tuple[str, ...] = ()

    @property
    def headers_only(self) -> bool:
        """Too deep or too many parts: read the top-level headers and nothing else."""
        return TOO_DEEP in self.flags or TOO_MANY_PARTS in self.flags


def header_block(raw: bytes) -> bytes:
    """The top-level header lines, up to and including the blank line that ends them."""
    if raw.startswith((b"\n", b"\r\n")):
        return b""
    found = _BLANK_LINE.search(raw)
    return raw[: found.end()] if found else raw


def outline(raw: bytes) -> Outline:
    scan = _Scan(raw)
    scan.run()
    return scan.result()


@dataclass
class _Scan:
    raw: bytes
    bounds: list[tuple[bytes, int]] = field(default_factory=list)  # (boundary, children depth)
    drops: list[tuple[int, int]] = field(default_factory=list)  # spans left out of ``readable``
    flags: list[str] = field(default_factory=list)
    depth: int = 0
    deepest: int = 0
    parts: int = 0
    _pattern: re.Pattern[bytes] | None = None

    def run(self) -> None:
        pos: int | None = 0
        while pos is not None and not self.flags_stop:
            pos = self._part(pos)

    @property
    def flags_stop(self) -> bool:
        return TOO_DEEP in self.flags or TOO_MANY_PARTS in self.flags

    def result(self) -> Outline:
        if self.flags_stop:
            readable = header_block(self.raw)
        elif self.drops:
            readable = self._without_drops()
        else:
            readable = self.raw
        return Outline(readable, self.deepest, self.parts, tuple(self.flags))

    # -- one part: its headers, then its body or its children -------------------------------
    def _part(self, pos: int) -> int | None:
        """Scan the part whose headers start at ``pos``; where the next part starts, or None."""
        self.parts += 1
        self.deepest = max(self.deepest, self.depth)
        if self.parts > MAX_MIME_PARTS:
            self.flags.append(TOO_MANY_PARTS)
            return None
        delimiter = self._next_delimiter(pos)
        end = delimiter.start() if delimiter else len(self.raw)
        body = self._body_start(pos, end)
        headers = _parse_headers(self.raw[pos:body])
        kind = headers.get_content_type().lower()
        boundary = headers.get_boundary() if kind.startswith("multipart/") else None
        if boundary:
            return self._open_multipart(boundary.encode("utf-8", "surrogateescape"), body)
        if kind in NESTED_TYPES:
            return self._descend(body)
        self._leaf(kind, body, end)
        return self._after(delimiter)

    def _body_start(self, pos: int, end: int) -> int:
        for newline in (b"\r\n", b"\n"):
            if self.raw.startswith(newline, pos):  # no headers at all
                return pos + len(newline)
        found = _BLANK_LINE.search(self.raw, pos, end)
        return found.end() if found else end

    def _descend(self, pos: int) -> int | None:
        if not self._deeper():
            return None
        return pos  # the attached message's headers start here

    def _deeper(self) -> bool:
        self.depth += 1
        if self.depth > MAX_MIME_DEPTH:
            self.flags.append(TOO_DEEP)
            return False
        return True

    def _open_multipart(self, boundary: bytes, body: int) -> int | None:
        if not self._deeper():
            return None
        self.bounds.append((boundary, self.depth))
        self._pattern = None
        return self._after(self._next_delimiter(body))  # the preamble is skipped

    def _leaf(self, kind: str, body: int, end: int) -> None:
        size = end - body
        if kind.startswith("text/") or kind in READ_TYPES:
            if size > MAX_TEXT_PART_BYTES:
                cut = self.raw.rfind(b"\n", body, body + MAX_TEXT_PART_BYTES) + 1 or body
                self.drops.append((cut, end))
                if TEXT_TRUNCATED not in self.flags:
                    self.flags.append(TEXT_TRUNCATED)
        elif size > SKIP_ATTACHMENT_BYTES:
            self.drops.append((body, end))

    # -- delimiters -------------------------------------------------------------------------
    def _after(self, delimiter: re.Match[bytes] | None) -> int | None:
        """Follow delimiter lines until one opens a part; where its headers start."""
        while delimiter is not None:
            index = self._owner(delimiter.group(1))
            closing = delimiter.group(2) is not None
            # An outer delimiter also ends every multipart nested inside it (RFC 2046 5.1.2).
            del self.bounds[index + (1 if not closing else 0) :]
            self._pattern = None
            line_end = self.raw.find(b"\n", delimiter.end())
            next_pos = len(self.raw) if line_end < 0 else line_end + 1
            if not closing:
                self.depth = self.bounds[index][1]
                return next_pos
            if not self.bounds:
                return None
            delimiter = self._next_delimiter(next_pos)  # the epilogue is skipped
        return None

    def _owner(self, boundary: bytes) -> int:
        for index in range(len(self.bounds) - 1, -1, -1):
            if self.bounds[index][0] == boundary:
                return index
        return len(self.bounds) - 1

    def _next_delimiter(self, pos: int) -> re.Match[bytes] | None:
        if not self.bounds:
            return None
        if self._pattern is None:
            names = b"|".join(
                re.escape(b) for b, _ in sorted(self.bounds, key=lambda x: -len(x[0]))
            )
            # A literal "\n--" first: the search then runs at memchr speed through attachments.
            self._pattern = re.compile(rb"\n--(" + names + rb")(--)?[ \t]*\r?$", re.MULTILINE)
        return self._pattern.search(self.raw, max(pos - 1, 0))

    def _without_drops(self) -> bytes:
        pieces, last = [], 0
        for start, end in sorted(self.drops):
            pieces.append(self.raw[last:start])
            last = max(last, end)
        pieces.append(self.raw[last:])
        return b"".join(pieces)


def _parse_headers(block: bytes) -> Message:
    # compat32 header-only parsing: no recursion, and it never raises on odd bytes.
    return BytesHeaderParser(policy=compat32).parsebytes(block)
