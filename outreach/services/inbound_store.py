"""Making inbound mail storable, and keeping what still cannot be stored.

PostgreSQL refuses NUL in text and JSON (``\\u0000``), and no database driver can encode a lone
surrogate (what an undecodable 8-bit byte becomes in Python). ``storable`` removes both from
anything headed for a text or JSON column and names what it removed (``nul_removed``,
``surrogates_removed``) so the row is flagged; the raw bytes are stored unchanged.

A message that still fails to store becomes a bare flagged row (``unstorable``, with the error
and the raw file); if even that fails, a dead letter holding the raw message as its payload file.
Either way the reader moves on: one message never stalls an inbox.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import re
from datetime import datetime
from typing import Any, TypeVar

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from core.models import DeadLetter
from core.services import deadletter_create
from core.storage import deadletter_store_payload
from inboxes.models import Inbox
from outreach.models import InboundMessage

log = logging.getLogger(__name__)
T = TypeVar("T")
NUL_REMOVED = "nul_removed"
SURROGATES_REMOVED = "surrogates_removed"
UNSTORABLE = "unstorable"
_NUL = "\x00"
_SURROGATE = re.compile("[\ud800-\udfff]")


def storable(value: T, found: set[str]) -> T:
    """``value`` without NUL or lone surrogates, through str, list, tuple, dict and dataclasses.

    What was removed is added to ``found``. Unchanged values are returned as they are (a
    StrEnum stays a StrEnum).
    """
    if isinstance(value, str):
        return _clean_str(value, found)  # type: ignore[return-value]
    if isinstance(value, list | tuple):
        return type(value)(storable(item, found) for item in value)  # type: ignore[return-value]
    if isinstance(value, dict):
        return {storable(k, found): storable(v, found) for k, v in value.items()}  # type: ignore[return-value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {
            f.name: storable(getattr(value, f.name), found) for f in dataclasses.fields(value)
        }
        return dataclasses.replace(value, **changes)  # type: ignore[return-value]
    return value


def _clean_str(value: str, found: set[str]) -> str:
    if _NUL in value:
        found.add(NUL_REMOVED)
        value = value.replace(_NUL, "")
    if _SURROGATE.search(value):
        found.add(SURROGATES_REMOVED)
        value = _SURROGATE.sub("", value)
    return value


def error_text(exc: BaseException) -> str:
    return storable(f"{type(exc).__name__}: {exc}", set())[:2000]


def quarantine(
    *, inbox: Inbox, raw: bytes, source_uid: str, received_at: datetime | None, error: Exception
) -> bool:
    """Keep a message that could not be stored: a bare flagged row, else a dead letter.

    Returns True when a new row was stored. Raises only when even the dead letter fails (the
    database or the storage is down): then the reader keeps its cursor and retries later.
    """
    digest = hashlib.sha256(raw).hexdigest()
    try:
        return _bare_row(inbox, raw, digest, source_uid, received_at, error_text(error))
    except Exception as again:
        log.exception("inbound message could not be stored at all", extra={"inbox": inbox.key})
        _dead_letter(inbox, raw, digest, source_uid, [error_text(error), error_text(again)])
        return False


def _bare_row(
    inbox: Inbox,
    raw: bytes,
    digest: str,
    source_uid: str,
    received_at: datetime | None,
    detail: str,
) -> bool:
    message_id = f"<{digest}@jengu.unstorable>"  # stable: a re-read finds the same row
    with transaction.atomic():
        if InboundMessage.objects.filter(inbox=inbox, message_id=message_id).exists():
            return False
    msg = InboundMessage(
        inbox=inbox,
        message_id=message_id,
        kind=InboundMessage.Kind.OTHER,
        flags=[UNSTORABLE],
        error=detail,
        received_at=received_at or timezone.now(),
        source_uid=storable(source_uid, set())[:64],
    )
    msg.raw.save(f"{inbox.key}-{digest[:16]}.eml", ContentFile(raw), save=False)
    with transaction.atomic():
        msg.save()
    return True


def _dead_letter(
    inbox: Inbox, raw: bytes, digest: str, source_uid: str, errors: list[str]
) -> DeadLetter:
    payload: dict[str, Any] = {
        "inbox": inbox.key,
        "source_uid": storable(source_uid, set()),
        "sha256": digest,
        "bytes": len(raw),
        "errors": errors,
    }
    letter = deadletter_create(
        kind=DeadLetter.Kind.INBOUND,
        error=f"inbound message could not be stored: {errors[-1]}",
        payload=payload,
        obj=inbox,
    )
    return deadletter_store_payload(letter, raw, filename="message.eml")
