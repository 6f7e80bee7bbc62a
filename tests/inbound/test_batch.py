"""The reply check stores its batch in chunks; a chunk that cannot be stored whole falls back to
one message at a time, and still nothing is stored or acted on twice."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.db import DatabaseError

from core.models import Alert
from outreach.models import InboundMessage
from outreach.services import inbound, inbound_actions, inbound_batch
from prospects.models import ProspectEvent
from tests.inbound import messages as m
from tests.inbound.conftest import World

pytestmark = pytest.mark.django_db


def _reply_events() -> Counter[int]:
    return Counter(ProspectEvent.objects.filter(kind="reply").values_list("prospect", flat=True))


def _stored_files() -> list[str]:
    folders, _ = default_storage.listdir("inbound")
    found = []
    for year in folders:
        for month in default_storage.listdir(f"inbound/{year}")[0]:
            found += default_storage.listdir(f"inbound/{year}/{month}")[1]
    return found


def test_a_reply_stored_meanwhile_by_another_check_is_stored_and_acted_on_once(
    maildir_world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = maildir_world.reply(
        maildir_world.a, "Let's meet on Thursday.", msgid="<a@hotel.example>"
    )
    maildir_world.reply(maildir_world.b, "Interested, send prices.", msgid="<b@hotel.example>")
    real = inbound_batch._new_only

    def raced(inbox: Any, drafts: list[Any]) -> list[Any]:
        fresh = real(inbox, drafts)
        # another reader (a redelivered task) stores the first reply between the look-up and
        # the chunk's INSERT: the INSERT meets the unique constraint
        inbound.ingest_message(inbox=inbox, raw=fresh[0].fetched.raw)
        return fresh

    monkeypatch.setattr(inbound_batch, "_new_only", raced)

    result = maildir_world.check()

    assert (result["fetched"], result["stored"], result["quarantined"]) == (2, 1, 0)
    second = maildir_world.sent[maildir_world.b.contact_id]
    rows = InboundMessage.objects.all()
    assert sorted(rows.values_list("matched_outbound", flat=True)) == sorted([first.pk, second.pk])
    assert not rows.filter(processed_at=None).exists()
    assert _reply_events() == Counter([maildir_world.a.prospect_id, maildir_world.b.prospect_id])
    assert len(_stored_files()) == 2  # the rolled-back chunk left no orphan raw file


def test_the_same_message_twice_in_one_batch_is_stored_once(maildir_world: World) -> None:
    ours = maildir_world.sent[maildir_world.a.contact_id]
    raw = m.plain_reply(
        frm=ours.recipient,
        to=maildir_world.inbox.address,
        subject=ours.subject,
        in_reply_to=ours.message_id,
        body="Interested, send prices.",
        msgid="<twice@hotel.example>",
    )
    maildir_world.deliver(raw)
    maildir_world.deliver(raw)

    result = maildir_world.check()

    assert (result["fetched"], result["stored"]) == (2, 1)
    assert InboundMessage.objects.get().matched_outbound_id == ours.pk
    assert _reply_events() == Counter([maildir_world.a.prospect_id])


def test_a_batch_longer_than_a_chunk_is_stored_whole(maildir_world: World) -> None:
    ours = maildir_world.sent[maildir_world.a.contact_id]
    count = inbound_batch.CHUNK * 2 + 3
    for n in range(count):
        maildir_world.deliver(
            m.plain_reply(
                frm=ours.recipient,
                to=maildir_world.inbox.address,
                subject=ours.subject,
                in_reply_to=ours.message_id,
                body=f"Question {n}: do you have parking?",
                msgid=f"<q{n}@hotel.example>",
            )
        )

    result = maildir_world.check()

    assert (result["fetched"], result["stored"], result["quarantined"]) == (count, count, 0)
    assert set(InboundMessage.objects.values_list("matched_outbound", "match")) == {
        (ours.pk, "in_reply_to")
    }
    assert not InboundMessage.objects.filter(processed_at=None).exists()


def test_a_reply_whose_actions_fail_is_stored_flagged_and_the_chunk_goes_on(
    maildir_world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    maildir_world.reply(maildir_world.a, "Let's meet on Thursday.", msgid="<a@hotel.example>")
    maildir_world.reply(maildir_world.b, "Interested, send prices.", msgid="<b@hotel.example>")
    real = inbound_actions.prospect_record_reply

    def record(*, prospect_id: int, **kwargs: Any) -> Any:
        if prospect_id == maildir_world.a.prospect_id:  # e.g. a lock timeout on that prospect
            raise DatabaseError("canceling statement due to lock timeout")
        return real(prospect_id=prospect_id, **kwargs)

    monkeypatch.setattr(inbound_actions, "prospect_record_reply", record)

    result = maildir_world.check()

    assert (result["fetched"], result["stored"], result["quarantined"]) == (2, 2, 0)
    failed = InboundMessage.objects.get(message_id="<a@hotel.example>")
    assert failed.processed_at is None and "error" in failed.flags
    assert failed.error == "DatabaseError: canceling statement due to lock timeout"
    done = InboundMessage.objects.get(message_id="<b@hotel.example>")
    assert done.processed_at is not None and done.error == ""
    assert _reply_events() == Counter([maildir_world.b.prospect_id])  # nothing half-done for a
    assert not Alert.objects.filter(kind="meeting_request").exists()
