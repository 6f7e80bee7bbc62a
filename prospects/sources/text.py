"""Bytes to text lines: one encoding per file, line endings kept so CSV quoting still works.

The encoding is decided once for the whole file, before the first line is produced: a BOM
(UTF-8 or UTF-16) wins; otherwise UTF-8 when every byte decodes as UTF-8, else Windows-1252
(what Excel writes on Western-European machines, a superset of Latin-1's printable range), and
Latin-1 as the last resort since it decodes any byte. Deciding per file, not per line, keeps a
file from mixing two decodings, and scanning first means a stray byte near the end cannot turn
rows already produced into mojibake.
"""

from __future__ import annotations

import codecs
import io
import re
from collections.abc import Iterator
from typing import BinaryIO

CHUNK_SIZE = 1 << 16
_NEWLINE_RE = re.compile(r"\r\n|\r|\n")
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def _seekable(data: bytes | BinaryIO) -> BinaryIO:
    if isinstance(data, (bytes, bytearray, memoryview)):
        return io.BytesIO(bytes(data))
    if getattr(data, "seekable", lambda: False)():
        return data
    return io.BytesIO(data.read())  # a pipe or socket: it has to be read once to be scanned


def _decodes(stream: BinaryIO, start: int, encoding: str) -> bool:
    stream.seek(start)
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    try:
        while chunk := stream.read(CHUNK_SIZE):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def detect_encoding(stream: BinaryIO, start: int) -> str:
    """Choose the file's encoding (see the module docstring); leaves the stream anywhere."""
    stream.seek(start)
    head = stream.read(4)
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            return encoding
    for encoding in ("utf-8", "cp1252"):
        if _decodes(stream, start, encoding):
            return encoding
    return "latin-1"


def split_lines(chunks: Iterator[str]) -> Iterator[str]:
    """Re-cut text chunks into lines ending in \\r\\n, \\r or \\n (kept); only those three
    count, so U+2028 or a form feed inside a field does not start a new physical line.

    NUL characters are dropped: no database text column (PostgreSQL's least of all) holds them,
    and no real name or address contains one.
    """
    pending = ""
    for chunk in chunks:
        pending += chunk.replace("\x00", "")
        start = 0
        for match in _NEWLINE_RE.finditer(pending):
            if match.group() == "\r" and match.end() == len(pending):
                break  # maybe the first half of a \r\n split across two chunks
            yield pending[start : match.end()]
            start = match.end()
        pending = pending[start:]
    if pending:
        yield pending


def _decoded_chunks(stream: BinaryIO, encoding: str) -> Iterator[str]:
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    while chunk := stream.read(CHUNK_SIZE):
        yield decoder.decode(chunk)
    yield decoder.decode(b"", final=True)


def decode_lines(data: bytes | str | BinaryIO) -> tuple[str, Iterator[str]]:
    """(encoding, lines) for an import file given as bytes, text, or a binary file object.

    A file object is read from its current position and never closed.
    """
    if isinstance(data, str):
        return "str", split_lines(iter([data.removeprefix("\ufeff")]))
    stream = _seekable(data)
    start = stream.tell()
    encoding = detect_encoding(stream, start)
    stream.seek(start)
    return encoding, split_lines(_decoded_chunks(stream, encoding))
