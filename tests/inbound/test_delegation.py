"""A delegation reply's new contact goes through the prospects contact service: the address is
normalized and deduplicated exactly as an imported one."""

from __future__ import annotations

import pytest

from aiengine.rules.verdict import Classification, Intent
from core.models import Alert
from inboxes.bounces import Analysis, MessageKind
from outreach.models import InboundMessage
from outreach.services.inbound_actions import act
from prospects.models import Contact, ProspectEvent
from prospects.services import ProspectInput, prospect_create
from tests.factories import ContactFactory, ProspectFactory
from tests.inbound.test_reader import _check, _reply

pytestmark = pytest.mark.django_db


def _delegated_reply(prospect_id: int, delegate_email: str) -> None:
    """A reply whose verdict (as a model may return it) names a colleague's address."""
    msg = InboundMessage.objects.create(
        prospect_id=prospect_id,
        kind=InboundMessage.Kind.REPLY,
        from_address="gm@hotel-azul.example",
        subject="Re: your email",
        intent="delegation",
    )
    verdict = Classification(
        Intent.DELEGATION, 0.9, "llm", delegate_email=delegate_email, delegate_name="Maria Silva"
    )
    act(msg, Analysis(kind=MessageKind.REPLY), verdict)


def test_a_delegates_address_is_normalized_like_an_imported_one() -> None:
    hotel = ProspectFactory()
    ContactFactory(prospect=hotel, email="gm@hotel-azul.example")
    _delegated_reply(hotel.pk, "  <Maria.Silva@Hotél-Azul.Example> ")

    new = Contact.objects.get(source="delegation")
    assert new.email == "maria.silva@xn--hotl-azul-d4a.example"  # as an import stores it
    assert (new.prospect_id, new.name, new.is_primary, new.is_role) == (
        hotel.pk,
        "Maria Silva",
        False,
        False,
    )
    event = ProspectEvent.objects.get(prospect=hotel, kind="delegation")
    assert (
        event.message == "gm@hotel-azul.example pointed us to maria.silva@xn--hotl-azul-d4a.example"
    )
    # a later import naming that address (in any case) finds this prospect
    result = prospect_create(
        data=ProspectInput(name="Other name", contact_email="MARIA.SILVA@hotél-azul.example")
    )
    assert (result.created, result.prospect.pk, result.matched_by) == (False, hotel.pk, "email")


def test_a_delegate_already_known_is_not_added_twice() -> None:
    hotel, elsewhere = ProspectFactory(), ProspectFactory()
    known = ContactFactory(prospect=elsewhere, email="maria.silva@revenue-team.example")
    _delegated_reply(hotel.pk, " Maria.Silva@Revenue-Team.EXAMPLE\n")

    assert list(Contact.objects.filter(email__iexact=known.email)) == [known]
    assert not ProspectEvent.objects.filter(kind="delegation").exists()
    assert Alert.objects.filter(kind=Alert.Kind.MANUAL_REVIEW).count() == 1  # still for a human


def test_an_invalid_delegate_address_adds_no_contact() -> None:
    hotel = ProspectFactory()
    _delegated_reply(hotel.pk, "maria at the front desk")
    assert not Contact.objects.filter(source="delegation").exists()


def test_a_delegation_read_from_the_mailbox_reuses_a_known_contact(world) -> None:
    """Through the real reader: the reply names, in mixed case, an address already imported."""
    known = ContactFactory(prospect=world.b.prospect, email="maria.silva@revenue-team.example")
    ours = _reply(
        world,
        world.b,
        "I'm not the right person for this. Please contact my colleague Maria Silva, our "
        "revenue manager, at Maria.Silva@Revenue-Team.example - she handles these topics.",
    )
    _check(world)
    assert InboundMessage.objects.get().intent == "delegation"
    assert list(Contact.objects.filter(email__iexact=known.email)) == [known]
    assert not ProspectEvent.objects.filter(prospect_id=ours.prospect_id, kind="delegation")
