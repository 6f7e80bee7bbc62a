"""The outbound, inbound and replies changelists search one UNION branch per field, answered by
trigram indexes on PostgreSQL (``outreach/migrations/0009_search_trigram.py``, nothing on
SQLite). Each field still finds its row; the Message-ID is matched whole (with or without its
angle brackets); a word only in a reply's body is found when nothing else matches it."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.db import connection
from django.test import Client, RequestFactory
from django.utils import timezone

from outreach.models import InboundMessage, OutboundEmail
from tests.factories import EnrollmentFactory, InboxFactory, ProspectFactory

pytestmark = pytest.mark.django_db
OUTBOUND = "/admin/outreach/outboundemail/"
INBOUND = "/admin/outreach/inboundmessage/"
REPLIES = "/admin/outreach/reply/"
INDEXES = {
    "outbound_recipient_trigram",
    "outbound_subject_trigram",
    "inbound_from_trigram",
    "inbound_subject_trigram",
    "inbound_message_id",
}


def _outbound(recipient: str, subject: str, message_id: str, name: str) -> OutboundEmail:
    enrollment = EnrollmentFactory(prospect=ProspectFactory(name=name))
    return OutboundEmail.objects.create(
        enrollment=enrollment,
        step=1,
        prospect=enrollment.prospect,
        contact=enrollment.contact,
        recipient=recipient,
        subject=subject,
        message_id=message_id,
        send_after=timezone.now(),
    )


def _inbound(kind: str, sender: str, subject: str, message_id: str, body: str) -> InboundMessage:
    return InboundMessage.objects.create(
        inbox=InboxFactory(),
        kind=kind,
        from_address=sender,
        subject=subject,
        message_id=message_id,
        body_text=body,
        prospect=ProspectFactory(name=f"Hotel of {sender}"),
    )


def _found(client: Client, url: str, term: str) -> set[int]:
    response = client.get(url, {"q": term})
    assert response.status_code == 200
    return {row.pk for row in response.context["cl"].result_list}


def test_the_outbound_search_finds_an_email_by_each_field(admin_client: Client) -> None:
    one = _outbound("ana@casa.example", "Direct bookings", "<o1@jengu.example>", "Casa do Largo")
    two = _outbound("rui@mar.example", "Summer rates", "<o2@jengu.example>", "Mar Azul")

    assert _found(admin_client, OUTBOUND, "ANA@casa") == {one.pk}
    assert _found(admin_client, OUTBOUND, "summer") == {two.pk}
    assert _found(admin_client, OUTBOUND, "do largo") == {one.pk}
    assert _found(admin_client, OUTBOUND, "<o2@jengu.example>") == {two.pk}
    assert _found(admin_client, OUTBOUND, "o2@jengu.example") == {two.pk}
    assert _found(admin_client, OUTBOUND, "example") == {one.pk, two.pk}
    assert _found(admin_client, OUTBOUND, "nowhere") == set()


def test_the_inbound_search_finds_a_message_by_each_field(admin_client: Client) -> None:
    reply = _inbound("reply", "ana@casa.example", "Re: rates", "<r1@casa.example>", "Call me")
    bounce = _inbound("bounce", "daemon@mx.example", "Undelivered", "<b1@mx.example>", "550 gone")

    assert _found(admin_client, INBOUND, "ana@") == {reply.pk}
    assert _found(admin_client, INBOUND, "undeliv") == {bounce.pk}
    assert _found(admin_client, INBOUND, "r1@casa.example") == {reply.pk}
    assert _found(admin_client, INBOUND, "550 gone") == {bounce.pk}  # only in the body


def test_the_replies_search_reads_the_body_only_when_nothing_else_matches(
    admin_client: Client,
) -> None:
    price = _inbound("reply", "ana@casa.example", "Re: rates", "<r1@x>", "What is the price?")
    tells = _inbound("reply", "price@tells.example", "Re: hello", "<r2@x>", "Not now")
    _inbound("bounce", "daemon@mx.example", "Undelivered", "<b1@x>", "call me")

    assert _found(admin_client, REPLIES, "Hotel of ana") == {price.pk}  # the prospect's name
    assert _found(admin_client, REPLIES, "call me") == set()  # a bounce is not a reply
    assert _found(admin_client, REPLIES, "what is the") == {price.pk}  # the body, as a fallback
    # The sender matches, so the body is not read: the search stays on the indexed fields.
    assert _found(admin_client, REPLIES, "price") == {tells.pk}


def _index_names() -> set[str]:
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute(
                "SELECT indexname FROM pg_indexes WHERE tablename IN (%s, %s)",
                ["outreach_outboundemail", "outreach_inboundmessage"],
            )
        else:
            cur.execute("SELECT name FROM sqlite_master WHERE type = 'index'")
        return {row[0] for row in cur.fetchall()}


def _applied() -> bool:
    with connection.cursor() as cur:
        cur.execute(
            "SELECT 1 FROM django_migrations WHERE app = 'outreach' AND name = %s",
            ["0009_search_trigram"],
        )
        return cur.fetchone() is not None


@pytest.mark.postgres
def test_the_searches_are_answered_from_the_indexes() -> None:
    """With sequential scans priced out, the plans name the indexes: each matches its branch's
    UPPER(col) LIKE, and the Message-ID's exact match."""
    _outbound("ana@casa.example", "Direct bookings", "<o1@jengu.example>", "Casa do Largo")
    _inbound("reply", "ana@casa.example", "Re: rates", "<r1@casa.example>", "Call me")
    request = RequestFactory().get("/")
    plans = ""
    with connection.cursor() as cur:
        cur.execute("SET LOCAL enable_seqscan = off")
        for model in (OutboundEmail, InboundMessage):
            model_admin = admin.site._registry[model]
            found, _ = model_admin.get_search_results(request, model.objects.all(), "ana")
            plans += found.explain()
    # The trigram branches must use their indexes. The exact Message-ID branch may be answered
    # by inbound_message_id or by the (inbox, message_id) unique index, as the planner prices
    # them on a near-empty table; either way no branch reads the whole table.
    assert set(plans.replace('"', " ").split()) >= INDEXES - {"inbound_message_id"}
    assert "Seq Scan" not in plans, plans


@pytest.mark.postgres
def test_the_migration_builds_the_search_indexes_on_postgresql() -> None:
    assert _applied()
    assert _index_names() >= INDEXES


def test_sqlite_records_the_migration_and_builds_nothing() -> None:
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite run checks this")
    assert _applied()
    assert not INDEXES & _index_names()
