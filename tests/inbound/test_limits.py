"""MIME depth and size limits, storable text, and what happens to a message that cannot be stored."""

from __future__ import annotations

import base64
import enum
import os
import time
import tracemalloc
from typing import Any

import pytest
from django.db import DataError

from aiengine.services.classifying import classify_reply_text
from core.models import DeadLetter
from core.storage import read_bytes
from inboxes.bounces import analyze_message
from inboxes.bounces.shape import (
    MAX_MIME_DEPTH,
    MAX_MIME_PARTS,
    MAX_TEXT_PART_BYTES,
    SKIP_ATTACHMENT_BYTES,
    outline,
)
from outreach.models import InboundMessage
from outreach.services import inbound, inbound_store
from outreach.services.inbound import body_text, headers_of
from outreach.services.inbound_store import storable
from tests.inbound import hostile
from tests.inbound import messages as m
from tests.inbound.conftest import World


def test_a_message_nested_10000_levels_is_flagged_quickly_without_recursing() -> None:
    raw = hostile.deep_message(frm="odd@elsewhere.example", to="us@sender.example")
    started = time.monotonic()

    analysis = analyze_message(raw)
    text, flags = body_text(raw)

    assert time.monotonic() - started < 2.0
    assert analysis.kind == "other" and {"mime_too_deep", "malformed"} <= set(analysis.flags)
    assert analysis.subject == "deep" and analysis.message_id == "<deep-1@hotel.example>"
    assert (text, flags) == ("", ["mime_too_deep"])


def test_a_message_at_the_depth_limit_is_still_read() -> None:
    raw = hostile.deep_message(frm="ana@hotel.example", to="us@x.example", levels=MAX_MIME_DEPTH)

    analysis = analyze_message(raw)

    assert analysis.kind == "reply" and "mime_too_deep" not in analysis.flags
    assert body_text(raw) == ("Yes, interested.", [])


def test_too_many_parts_are_read_by_the_headers_only() -> None:
    parts = b"".join(
        b"--x\r\nContent-Type: text/plain\r\n\r\nhi\r\n" for _ in range(MAX_MIME_PARTS)
    )
    raw = (
        b"From: a@hotel.example\r\nSubject: parts\r\n"
        b'Content-Type: multipart/mixed; boundary="x"\r\n\r\n' + parts + b"--x--\r\n"
    )

    assert outline(raw).flags == ("mime_too_many_parts",)
    assert "mime_too_many_parts" in analyze_message(raw).flags


def test_a_20_mb_attachment_is_skipped_and_the_text_is_read_in_little_memory() -> None:
    raw = hostile.with_attachment(
        frm="ana@hotel.example",
        to="us@sender.example",
        subject="Rooms",
        in_reply_to="<ours@sender.example>",
        body="We are interested.",
    )
    tracemalloc.start()
    try:
        text, flags = body_text(raw)
        analysis = analyze_message(raw)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert (text.strip(), flags) == ("We are interested.", [])
    assert analysis.kind == "reply" and analysis.in_reply_to == "<ours@sender.example>"
    # Parsing the whole message held about 8x its size (220 MB here); the text needs far less.
    assert peak < len(raw) // 4, f"peak {peak:,} bytes for a {len(raw):,}-byte message"
    assert len(outline(raw).readable) < SKIP_ATTACHMENT_BYTES


def test_text_after_a_20_mb_attachment_in_an_odd_charset_is_still_classified(no_keys: None) -> None:
    # Attachment first, then the text in a charset Python does not know (as some clients send).
    attachment = base64.encodebytes(os.urandom(hostile.ATTACHMENT_BYTES)).replace(b"\n", b"\r\n")
    raw = (
        b"From: ana@hotel.example\r\nTo: us@sender.example\r\nSubject: Re: Rooms\r\n"
        b'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n'
        b"--b\r\nContent-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        + attachment
        + b"--b\r\nContent-Type: text/plain; charset=x-mac-unknown\r\n\r\n"
        b"Yes, we are interested.\r\n--b--\r\n"
    )

    text, flags = body_text(raw)
    verdict = classify_reply_text(subject="Re: Rooms", body=text, headers=headers_of(raw))

    assert (text.strip(), flags) == ("Yes, we are interested.", ["unreadable_body"])
    assert verdict.intent == "interested"


def test_a_huge_text_part_is_read_up_to_its_limit_and_flagged() -> None:
    line = "All rooms are available on the dates you asked for. " * 2 + "\r\n"
    body = "We are interested.\r\n" + line * (2 * MAX_TEXT_PART_BYTES // len(line))
    raw = ("From: a@hotel.example\r\nSubject: Re: rooms\r\n\r\n" + body).encode()

    text, flags = body_text(raw)

    assert text.startswith("We are interested.") and flags == ["text_truncated"]
    assert MAX_TEXT_PART_BYTES // 2 < len(text) <= MAX_TEXT_PART_BYTES


def test_a_message_within_the_limits_is_parsed_as_it_came() -> None:
    raw = m.postfix_dsn(to="us@sender.example", rcpt="a@hotel.example", ours="<o@sender.example>")

    assert outline(raw).readable is raw


class Colour(enum.StrEnum):
    RED = "red"


def test_storable_removes_nul_and_lone_surrogates_and_says_so() -> None:
    found: set[str] = set()
    value: dict[str, Any] = {"Sub\x00ject": ["caf\udce9", ("a\x00", Colour.RED)], "n": 1}

    clean = storable(value, found)

    assert clean == {"Subject": ["caf", ("a", "red")], "n": 1}
    assert isinstance(clean["Subject"][1][1], Colour)
    assert found == {"nul_removed", "surrogates_removed"}
    assert storable("fine", found) == "fine"


# --- a message that cannot be stored --------------------------------------------------------
@pytest.fixture
def refused(maildir_world: World, monkeypatch: pytest.MonkeyPatch) -> bytes:
    """A batch of two: a reply, and a message the database refuses (the raw bytes returned)."""
    bad = m.plain_reply(
        frm="x@elsewhere.example", to="us@x.example", subject="?", body="?", msgid="<bad@x>"
    )
    maildir_world.deliver(bad)
    maildir_world.reply(maildir_world.b, "Yes, we are interested.")
    real = inbound._draft

    def draft(inbox: Any, raw: bytes, *args: Any) -> Any:
        if raw == bad:  # what a database refusing a value looks like to the reader
            raise DataError("value refused by the database")
        return real(inbox, raw, *args)

    monkeypatch.setattr(inbound, "_draft", draft)
    return bad


@pytest.mark.django_db
def test_a_message_that_cannot_be_stored_becomes_a_flagged_row(
    maildir_world: World, refused: bytes
) -> None:
    result = maildir_world.check()

    assert (result["fetched"], result["stored"], result["quarantined"]) == (2, 2, 1)
    row = InboundMessage.objects.get(flags=["unstorable"])
    assert row.kind == "other" and row.error == "DataError: value refused by the database"
    assert row.raw.read() == refused
    assert InboundMessage.objects.exclude(pk=row.pk).get().intent == "interested"
    assert maildir_world.check()["fetched"] == 0  # the cursor moved on


@pytest.mark.django_db
def test_when_not_even_a_flagged_row_can_be_stored_the_message_is_a_dead_letter(
    maildir_world: World, refused: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_row(*args: Any) -> bool:
        raise DataError("no row either")

    monkeypatch.setattr(inbound_store, "_bare_row", no_row)

    result = maildir_world.check()

    assert (result["fetched"], result["stored"], result["quarantined"]) == (2, 1, 1)
    letter = DeadLetter.objects.get(kind="inbound")
    assert letter.object_id == str(maildir_world.inbox.pk)
    assert letter.payload["errors"][-1] == "DataError: no row either"
    assert read_bytes(letter.payload_file.name) == refused
    assert InboundMessage.objects.get().intent == "interested"
    assert maildir_world.check()["fetched"] == 0
