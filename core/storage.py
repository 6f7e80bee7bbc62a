"""Files in the storage backend: raw messages, dead-letter payloads, import files.

The backend is Django's ``default`` storage: local files under ``var/media`` by default, or an
S3-compatible bucket (AWS S3, Cloudflare R2, MinIO) when ``STORAGE_BUCKET`` is set. Every
FileField in the project (``OutboundEmail.raw``, ``InboundMessage.raw``,
``DeadLetter.payload_file``) goes through it, so nothing here knows which backend is in use.

A dead letter keeps a small JSON payload in its row (the admin shows it, replay reads it); a
payload too big for a row, or raw bytes such as an unreadable email, goes to ``payload_file`` and
the row keeps a short stub that says so.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from core.models import DeadLetter

# A row's JSON stays small enough to list and search in the admin; anything bigger is a file.
PAYLOAD_INLINE_LIMIT = 16 * 1024
STUB_KEY = "stored_in_file"


def _json_bytes(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, ensure_ascii=False, default=str, sort_keys=True).encode()


def split_payload(payload: dict[str, Any] | None) -> tuple[dict[str, Any], bytes | None]:
    """(what the row keeps, what goes to a file or None).

    A payload whose JSON is at most ``PAYLOAD_INLINE_LIMIT`` bytes stays whole in the row. A
    bigger one becomes a file; the row keeps a stub naming its top-level keys and size.
    """
    payload = payload or {}
    data = _json_bytes(payload)
    if len(data) <= PAYLOAD_INLINE_LIMIT:
        return payload, None
    stub = {STUB_KEY: True, "bytes": len(data), "keys": sorted(map(str, payload))[:50]}
    return stub, data


def deadletter_store_payload(
    letter: DeadLetter, content: bytes | str | dict[str, Any], *, filename: str = ""
) -> DeadLetter:
    """Save ``content`` as the letter's ``payload_file`` and record its name on the row.

    ``content`` is a JSON-able dict (stored as ``.json``) or raw bytes/text such as an ``.eml``
    (``filename`` names it). This writes to the storage backend, possibly over the network:
    call it after the row exists and outside a long transaction.
    """
    if isinstance(content, dict):
        data, suffix = _json_bytes(content), "payload.json"
    else:
        data = content.encode() if isinstance(content, str) else bytes(content)
        suffix = filename or "payload.bin"
    name = f"{letter.pk}-{suffix.rsplit('/', 1)[-1]}"
    letter.payload_file.save(name, ContentFile(data), save=False)
    DeadLetter.objects.filter(pk=letter.pk).update(payload_file=letter.payload_file.name)
    return letter


def deadletter_payload(letter: DeadLetter) -> dict[str, Any]:
    """The whole JSON payload: the row's, or the file's when the row holds only a stub."""
    if not (letter.payload or {}).get(STUB_KEY) or not letter.payload_file:
        return dict(letter.payload or {})
    with letter.payload_file.open("rb") as handle:
        return json.loads(handle.read())


def read_bytes(name: str) -> bytes:
    """The content of a stored file by its storage name (e.g. ``OutboundEmail.raw.name``)."""
    with default_storage.open(name, "rb") as handle:
        return handle.read()
