"""Storing a reader's batch in chunks: each message parsed once, a chunk's duplicates found with
one query, its Message-IDs matched with one indexed query (and its senders with one more), its
new rows inserted together, and what each message does applied; one transaction per chunk.

A chunk that cannot be stored whole (a row the database refuses, a concurrent writer, one
message whose actions fail) is rolled back and stored again one message at a time
(``store_one``), where one bad message is kept aside and the rest go on, as before.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models.functions import Upper
from django.utils import timezone

from aiengine.rules import Classification
from inboxes.bounces import Analysis
from inboxes.clients.base import Fetched
from inboxes.models import Inbox
from outreach.models import InboundMessage, OutboundEmail
from outreach.services import inbound
from outreach.services.inbound_store import quarantine, storable

log = logging.getLogger(__name__)
CHUNK = 25
ACTED_ON = frozenset(
    {
        InboundMessage.Kind.BOUNCE,
        InboundMessage.Kind.COMPLAINT,
        InboundMessage.Kind.UNSUBSCRIBE,
        InboundMessage.Kind.AUTO_REPLY,
        InboundMessage.Kind.REPLY,
    }
)


@dataclass
class _Draft:
    fetched: Fetched
    msg: InboundMessage
    analysis: Analysis
    classification: Classification | None = None


def ingest_batch(*, inbox: Inbox, messages: list[Fetched]) -> tuple[int, int]:
    """Store and process a reader's batch, CHUNK messages per transaction (short transactions:
    the actions lock prospect and inbox rows); (rows created, messages kept aside)."""
    created = kept_aside = 0
    for start in range(0, len(messages), CHUNK):
        new, aside = _ingest_chunk(inbox, messages[start : start + CHUNK])
        created, kept_aside = created + new, kept_aside + aside
    return created, kept_aside


def _ingest_chunk(inbox: Inbox, messages: list[Fetched]) -> tuple[int, int]:
    drafts, stored_alone, kept_aside = [], 0, 0
    for fetched in messages:
        try:
            msg, analysis = inbound._draft(inbox, fetched.raw, fetched.uid, fetched.received_at)
            drafts.append(_Draft(fetched, msg, analysis))
        except Exception:  # this one is kept aside on its own path; the batch goes on
            created, aside = store_one(inbox, fetched)
            stored_alone += created
            kept_aside += aside
    fresh = _new_only(inbox, drafts)
    if not fresh:
        return stored_alone, kept_aside
    _prepare(inbox, fresh)
    try:
        _insert_and_act(fresh)
    except Exception as exc:  # stored one by one instead, where a bad message is kept aside
        log.info("inbound batch stored one by one", extra={"inbox": inbox.key, "error": str(exc)})
        for draft in fresh:
            draft.msg.raw.delete(save=False)
        created, kept_aside = _one_by_one(inbox, [d.fetched for d in fresh], kept_aside)
        return stored_alone + created, kept_aside
    return stored_alone + len(fresh), kept_aside


def _one_by_one(inbox: Inbox, messages: list[Fetched], kept_aside: int) -> tuple[int, int]:
    created = 0
    for fetched in messages:
        new, aside = store_one(inbox, fetched)
        created, kept_aside = created + new, kept_aside + aside
    return created, kept_aside


def store_one(inbox: Inbox, fetched: Fetched) -> tuple[int, int]:
    """(1 if a new row was stored, 1 if the message had to be kept aside)."""
    try:
        _, new = inbound.ingest_message(
            inbox=inbox, raw=fetched.raw, source_uid=fetched.uid, received_at=fetched.received_at
        )
        return int(new), 0
    except Exception as exc:  # one message must not stall the inbox: keep it aside, go on
        log.warning(
            "inbound message quarantined",
            extra={"inbox": inbox.key, "uid": fetched.uid, "error": str(exc)[:300]},
        )
        stored = quarantine(
            inbox=inbox,
            raw=fetched.raw,
            source_uid=fetched.uid,
            received_at=fetched.received_at,
            error=exc,
        )
        return int(stored), 1


def _new_only(inbox: Inbox, drafts: list[_Draft]) -> list[_Draft]:
    """The drafts not stored yet (a re-read after a crash), each Message-ID once."""
    ids = {d.msg.message_id for d in drafts}
    with transaction.atomic():  # a savepoint: a failed query must not poison the caller's
        seen = set(
            InboundMessage.objects.filter(inbox=inbox, message_id__in=ids).values_list(
                "message_id", flat=True
            )
        )
    fresh = []
    for draft in drafts:
        if draft.msg.message_id not in seen:
            seen.add(draft.msg.message_id)
            fresh.append(draft)
    return fresh


def _prepare(inbox: Inbox, drafts: list[_Draft]) -> None:
    """Match, classify (it may call an LLM: before any transaction) and write the raw files."""
    for draft, found in zip(drafts, match_many(inbox, [d.analysis for d in drafts]), strict=True):
        msg = draft.msg
        msg.matched_outbound, msg.match = found.outbound, found.method
        msg.prospect_id = found.outbound.prospect_id if found.outbound else None
        msg.contact_id = found.outbound.contact_id if found.outbound else None
        draft.classification = inbound.classify(msg)
        removed: set[str] = set()
        msg.classification = storable(msg.classification, removed)
        msg.flags = sorted({*msg.flags, *removed})
        digest = hashlib.sha256(draft.fetched.raw).hexdigest()[:16]
        msg.raw.save(f"{inbox.key}-{digest}.eml", ContentFile(draft.fetched.raw), save=False)


def _insert_and_act(drafts: list[_Draft]) -> None:
    """One transaction: the rows, what each does, processed_at, the bounce counts. No savepoint
    per message: when one message's actions fail, the chunk is rolled back and stored again one
    by one (``ingest_message``), where that failure is recorded on its row and the rest go on."""
    from outreach.services.inbound_actions import BounceTally, act

    now, tally = timezone.now(), BounceTally()
    with transaction.atomic():
        InboundMessage.objects.bulk_create([d.msg for d in drafts])
        for draft in drafts:
            if draft.msg.kind in ACTED_ON:
                act(draft.msg, draft.analysis, draft.classification, tally)
        InboundMessage.objects.filter(pk__in=[d.msg.pk for d in drafts]).update(
            processed_at=now, error=""
        )
        tally.record(now)  # in the chunk's transaction: counted exactly when stored


def match_many(inbox: Inbox, analyses: list[Analysis]) -> list[inbound.Match]:
    """``inbound.match`` for a batch: one query by Message-ID (the unique index), one by sender."""
    wanted = [inbound.wanted_ids(a) for a in analyses]
    ids = {mid for pairs in wanted for mid, _ in pairs}
    found = (
        {e.message_id: e for e in OutboundEmail.objects.filter(message_id__in=ids)} if ids else {}
    )
    matches: list[inbound.Match | None] = []
    for pairs in wanted:
        hit = next((inbound.Match(found[mid], how) for mid, how in pairs if mid in found), None)
        matches.append(hit)
    senders = _latest_by_sender(
        inbox, {a.from_address for a, m in zip(analyses, matches, strict=True) if m is None}
    )
    return [m or _by_sender(inbox, a, senders) for a, m in zip(analyses, matches, strict=True)]


def _latest_by_sender(inbox: Inbox, addresses: set[str]) -> dict[str, OutboundEmail]:
    """The newest email this inbox sent to each address (ASCII ones: the case folding of Python
    and of the database agree on them), by the upper-cased address."""
    upper = {a.upper() for a in addresses if a and a.isascii()}
    if not upper:
        return {}
    rows = (
        OutboundEmail.objects.annotate(recipient_upper=Upper("recipient"))
        .filter(inbox=inbox, sent_at__isnull=False, recipient_upper__in=upper)
        .order_by("sent_at", "pk")
    )
    return {row.recipient_upper: row for row in rows}  # type: ignore[attr-defined]


def _by_sender(
    inbox: Inbox, analysis: Analysis, senders: dict[str, OutboundEmail]
) -> inbound.Match:
    if analysis.kind in ("bounce", "complaint") or not analysis.from_address:
        return inbound.Match(None, InboundMessage.Match.NONE)
    if not analysis.from_address.isascii():
        return inbound.match(inbox, analysis)  # the database folds the case, as it always did
    hit = senders.get(analysis.from_address.upper())
    if hit is None:
        return inbound.Match(None, InboundMessage.Match.NONE)
    return inbound.Match(hit, InboundMessage.Match.SENDER)
