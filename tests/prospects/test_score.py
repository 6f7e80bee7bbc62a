"""The documented score, its tiers, and the enriched <-> ready moves."""

from __future__ import annotations

from typing import Any

import pytest

from outreach.services import suppress
from prospects.models import Contact, Prospect
from prospects.services.score import prospect_score
from tests.factories import ContactFactory, ProspectFactory

pytestmark = pytest.mark.django_db
V = Contact.Verification


def prospect(**fields: Any) -> Prospect:
    defaults: dict[str, Any] = {"stage": Prospect.Stage.ENRICHED, "property_type": ""}
    return ProspectFactory(**(defaults | fields))


def add_contact(owner: Prospect, email: str, status: str, **fields: Any) -> Contact:
    return ContactFactory(prospect=owner, email=email, verification=status, **fields)


def test_a_well_documented_boutique_hotel_with_a_verified_manager_is_hot() -> None:
    hotel = prospect(
        property_type="boutique_hotel",
        description="Boutique hotel",
        phone="+351218860100",
        social={"facebook": "https://facebook.com/x", "instagram": "https://instagram.com/x"},
        enrichment={"fetched": True},
    )
    add_contact(hotel, "ana@hotel.example", V.VALID, name="Ana Lima", title="General Manager")
    result = prospect_score(prospect=hotel)
    # contact 45 + 5, web 10 + 4 + 4 + 6, property 14 + 3 + 3
    assert (result.score, result.tier) == (94, "hot")
    assert result.detail["contact"] == 50
    assert result.detail["web"] == {"website": 10, "description": 4, "phone": 4, "social": 6}
    assert result.detail["property"] == {"type": 14, "location": 3, "own_domain": 3}
    hotel.refresh_from_db()
    assert (hotel.score, hotel.tier, hotel.score_detail["total"]) == (94, "hot", 94)


def test_an_unverified_role_address_makes_a_warm_prospect() -> None:
    hotel = prospect(property_type="hotel", enrichment={"fetched": True})
    add_contact(hotel, "info@hotel.example", V.UNKNOWN, name="", is_role=True)
    result = prospect_score(prospect=hotel)
    assert (result.score, result.tier) == (15 + 10 + 12 + 3 + 3, "warm")


def test_a_name_alone_is_cold_and_the_thresholds_are_settings(settings: Any) -> None:
    bare = prospect(website="", domain="", city="", country="")
    assert (prospect_score(prospect=bare).score, bare.tier) == (0, "cold")
    hotel = prospect(property_type="hotel", enrichment={"fetched": True})
    add_contact(hotel, "info@hotel.example", V.UNKNOWN, is_role=True)  # 43 points
    settings.JENGU = {**settings.JENGU, "TIER_HOT": 40, "TIER_WARM": 20}
    assert prospect_score(prospect=hotel).tier == "hot"


def test_ready_needs_a_sendable_address(settings: Any) -> None:
    hotel = prospect()
    contact = add_contact(hotel, "ana@hotel.example", V.CATCH_ALL)
    assert not prospect_score(prospect=hotel).stage_changed
    assert hotel.stage == "enriched"  # catch-all is not sent by default
    settings.JENGU = {**settings.JENGU, "SEND_CATCH_ALL": True}
    assert prospect_score(prospect=hotel).stage_changed
    assert Prospect.objects.get(pk=hotel.pk).stage == "ready"
    Contact.objects.filter(pk=contact.pk).update(verification=V.INVALID)
    assert prospect_score(prospect=hotel).stage_changed
    hotel.refresh_from_db()
    assert hotel.stage == "enriched"
    moves = [e.data["to"] for e in hotel.events.filter(kind="stage").order_by("pk")]
    assert moves == ["ready", "enriched"]


def test_unverified_addresses_follow_send_unverified(settings: Any) -> None:
    hotel = prospect()
    add_contact(hotel, "ana@hotel.example", V.UNKNOWN)
    prospect_score(prospect=hotel)
    assert hotel.stage == "enriched"
    settings.JENGU = {**settings.JENGU, "SEND_UNVERIFIED": True}
    prospect_score(prospect=hotel)
    assert hotel.stage == "ready"


def test_a_suppressed_address_is_not_sendable() -> None:
    hotel = prospect()
    add_contact(hotel, "ana@hotel.example", V.VALID)
    suppress(email="ana@hotel.example", reason="unsubscribe")
    prospect_score(prospect=hotel)
    assert hotel.stage == "enriched"


def test_stages_before_enrichment_and_after_contact_are_left_alone() -> None:
    for stage in ("new", "enriching", "contacted", "won"):
        hotel = prospect(stage=stage)
        add_contact(hotel, f"ana@{hotel.domain}", V.VALID)
        result = prospect_score(prospect=hotel)
        assert not result.stage_changed and result.score > 0
        assert Prospect.objects.get(pk=hotel.pk).stage == stage
