"""One batch of hostile mail must not stop an inbox: each message stored, flagged or kept aside.

The same batch arrives through a real Dovecot (IMAP) and through a Maildir folder: a message with
NUL bytes in a header and in the text, a multipart nested 10,000 levels deep, a reply with a 20 MB
attachment whose text says it is interested, and a normal reply. On PostgreSQL the NUL bytes used
to abort the whole batch (the cursor never moved, so every later reply was never read).
"""

from __future__ import annotations

import json

import pytest

from core.models import Alert, DeadLetter
from outreach.models import Enrollment, InboundMessage
from prospects.models import Prospect
from tests.inbound import hostile
from tests.inbound.conftest import World

pytestmark = pytest.mark.django_db
INTERESTED = "Yes, we are interested - this looks like a good fit for our hotel."
MEETING = "Sounds good - can we set up a call on Thursday at 3pm?"


def _deliver_batch(world: World) -> dict[str, bytes]:
    a = world.sent[world.a.contact_id]
    to = world.inbox.address
    batch = {
        "nul": hostile.nul_message(
            frm="stranger@elsewhere.example", to=to, raw_nul=world.imap is None
        ),
        "deep": hostile.deep_message(frm="odd@elsewhere.example", to=to),
        "big": hostile.with_attachment(
            frm=a.recipient, to=to, subject=a.subject, in_reply_to=a.message_id, body=INTERESTED
        ),
    }
    for raw in batch.values():
        world.deliver(raw)
    world.reply(world.b, MEETING)
    return batch


def _assert_batch_handled(world: World, batch: dict[str, bytes]) -> None:
    result = world.check()
    assert "error" not in result, result
    assert (result["fetched"], result["stored"], result["quarantined"]) == (4, 4, 0)

    # the normal reply is classified and acted on
    normal = InboundMessage.objects.get(matched_outbound=world.sent[world.b.contact_id])
    assert (normal.kind, normal.intent, normal.flags) == ("reply", "meeting_request", [])
    assert Enrollment.objects.get(pk=world.b.pk).status == "replied"
    assert Prospect.objects.get(pk=world.b.prospect_id).stage == "meeting"
    assert Alert.objects.filter(kind=Alert.Kind.MEETING_REQUEST).count() == 1

    # the 20 MB attachment does not hide the text: interested, and the company stops
    big = InboundMessage.objects.get(message_id="<big-1@hotel.example>")
    assert (big.kind, big.intent, big.match) == ("reply", "interested", "in_reply_to")
    assert big.body_text.strip() == INTERESTED
    assert Enrollment.objects.get(pk=world.colleague.pk).status == "replied"
    assert Prospect.objects.get(pk=world.a.prospect_id).stage == "engaged"
    assert big.raw.size == len(batch["big"])

    # NUL bytes: removed from every column, flagged, the raw bytes kept as they came
    nul = InboundMessage.objects.get(message_id="<nul-1@hotel.example>")
    assert "nul_removed" in nul.flags
    assert nul.subject == "Re: rates for groups" and nul.body_text.startswith("Hello, who are")
    assert "\x00" not in nul.body_text
    assert "\\u0000" not in json.dumps(nul.headers) and nul.headers["Subject"] == nul.subject
    assert nul.raw.read() == batch["nul"]

    # 10,000 levels: stored by its headers, flagged, not parsed
    deep = InboundMessage.objects.get(message_id="<deep-1@hotel.example>")
    assert (deep.kind, deep.subject, deep.body_text) == ("other", "deep", "")
    assert {"mime_too_deep", "malformed"} <= set(deep.flags)
    assert deep.raw.read() == batch["deep"]
    assert not DeadLetter.objects.exists()


def _assert_cursor_moved(world: World) -> None:
    assert world.check()["fetched"] == 0
    world.reply(world.colleague, "Please send me the brochure.", msgid="<later-1@hotel.example>")
    later = world.check()
    assert (later["fetched"], later["stored"]) == (1, 1)
    assert InboundMessage.objects.count() == 5


@pytest.mark.postgres
def test_a_hostile_batch_in_dovecot_is_read_whole_on_postgres(world: World) -> None:
    batch = _deliver_batch(world)
    _assert_batch_handled(world, batch)
    _assert_cursor_moved(world)


@pytest.mark.postgres
def test_a_hostile_batch_in_a_maildir_is_read_whole_on_postgres(maildir_world: World) -> None:
    batch = _deliver_batch(maildir_world)
    _assert_batch_handled(maildir_world, batch)
    _assert_cursor_moved(maildir_world)


def test_a_hostile_batch_in_a_maildir_is_read_whole(maildir_world: World) -> None:
    """The same on the default database (SQLite locally), for a quick run."""
    batch = _deliver_batch(maildir_world)
    _assert_batch_handled(maildir_world, batch)
    _assert_cursor_moved(maildir_world)
