"""Enrichment of a prospect from its (local) website, and from Places when it has none."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from django_q.models import Schedule

from prospects.models import CrawlHost, Prospect
from prospects.services import ProspectInput, prospect_create
from prospects.services.enrich import prospect_enrich
from prospects.tasks import enrich_prospect
from tests.prospects.sites import SiteServer, no_vendors, places, sites  # noqa: F401
from tests.servers.http import Response
from tests.servers.vendors import PlacesFake, make_place

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("sites")]


def new(name: str, website: str = "", city: str = "Lisboa") -> Prospect:
    data = ProspectInput(name=name, city=city, country="Portugal", website=website)
    return prospect_create(data=data).prospect


def stages(prospect: Prospect) -> list[str]:
    events = prospect.events.filter(kind="stage").order_by("pk")
    return [event.data["to"] for event in events]


def test_the_website_fills_the_prospect_and_makes_contacts(no_vendors: None) -> None:
    prospect = new("Hotel Alfama Azul", "http://alfama-azul.test/")
    result = prospect_enrich(prospect=prospect)
    prospect.refresh_from_db()
    assert result.status == "enriched"
    assert (prospect.stage, stages(prospect)) == ("enriched", ["enriching", "enriched"])
    assert prospect.phone == "+351218860100"
    assert prospect.description.startswith("A 32-room boutique hotel in Alfama")
    assert prospect.property_type == "boutique_hotel"
    assert prospect.social == {
        "facebook": "https://www.facebook.com/alfamaazul",
        "instagram": "https://www.instagram.com/alfama.azul/",
    }
    contacts = list(prospect.contacts.order_by("pk").values_list("email", "is_role", "is_primary"))
    assert contacts == [
        ("reservas@alfama-azul.test", True, True),
        ("ana.ribeiro@alfama-azul.test", False, False),
        ("eventos@alfama-azul.test", True, False),
    ]
    event = prospect.events.get(kind="enrichment")
    assert event.message == "Website read: 3 email(s), 3 new contact(s)"
    assert [p["url"] for p in event.data["pages"]] == [
        "http://alfama-azul.test/",
        "http://alfama-azul.test/contactos/",
    ]
    assert prospect.enrichment["fetched"] is True and prospect.enriched_at is not None


def test_a_second_enrichment_adds_nothing_twice(no_vendors: None) -> None:
    prospect = new("Hotel Alfama Azul", "http://alfama-azul.test/")
    prospect_enrich(prospect=prospect)
    again = prospect_enrich(prospect=prospect)
    assert again.contacts_created == [] and prospect.contacts.count() == 3
    assert stages(prospect) == ["enriching", "enriched"]


def test_addresses_of_other_domains_come_after_the_sites_own(no_vendors: None) -> None:
    prospect = new("Gasthof Müller", "http://gasthof-mueller.test/", city="München")
    prospect_enrich(prospect=prospect)
    prospect.refresh_from_db()
    assert prospect.property_type == "bnb"  # "Gasthof"
    emails = list(prospect.contacts.order_by("pk").values_list("email", "is_primary"))
    assert emails[0] == ("info@gasthof-mueller.test", True)
    assert emails[-1] == ("studio@pixel-agentur.test", False)


def test_addresses_of_the_sites_organisation_come_first(
    sites: SiteServer, no_vendors: None
) -> None:
    page = (
        "<html><head><title>Hotel Group Paris</title></head><body>"
        "<p>Web design: studio@pixel-agentur.test</p>"
        "<p>Group sales: sales@hotelgroup.test</p>"
        "<p>Front desk: info@paris.hotelgroup.test</p></body></html>"
    )
    sites.add("paris.hotelgroup.test", "/", Response(200, page, {"Content-Type": "text/html"}))
    prospect = new("Hotel Group Paris", "http://paris.hotelgroup.test/", city="Paris")
    prospect_enrich(prospect=prospect)
    emails = list(prospect.contacts.order_by("pk").values_list("email", flat=True))
    assert emails == [
        "sales@hotelgroup.test",
        "info@paris.hotelgroup.test",
        "studio@pixel-agentur.test",
    ]


def test_a_redirect_to_a_new_domain_moves_the_website(no_vendors: None) -> None:
    prospect = new("Palácio das Flores", "http://old-palacio.test/", city="Porto")
    prospect_enrich(prospect=prospect)
    prospect.refresh_from_db()
    assert (prospect.website, prospect.domain) == (
        "http://palacio-flores.test/",
        "palacio-flores.test",
    )
    assert set(prospect.contacts.values_list("email", flat=True)) == {
        "geral@palacio-flores.test",
        "reservas@palacio-flores.test",
    }


def test_robots_refusal_is_recorded_and_nothing_is_read(
    sites: SiteServer, no_vendors: None
) -> None:
    prospect = new("Quinta da Serra", "http://quinta-serra.test/", city="Sintra")
    result = prospect_enrich(prospect=prospect)
    assert result.status == "refused"
    assert prospect.contacts.count() == 0
    assert (
        prospect.events.get(kind="enrichment").message == "robots.txt forbids reading the website"
    )
    assert sites.paths("quinta-serra.test") == ["/robots.txt"]
    assert Prospect.objects.get(pk=prospect.pk).stage == "enriched"


def test_a_site_that_does_not_answer_is_recorded(sites: SiteServer, settings: Any) -> None:
    settings.JENGU = {**settings.JENGU, "CRAWL_TIMEOUT": 0.3}
    from tests.servers.http import Response

    sites.add("slow-hotel.test", "/", Response(200, "<p>late</p>", delay=2.0))
    prospect = new("Slow Hotel", "http://slow-hotel.test/")
    result = prospect_enrich(prospect=prospect)
    assert result.status == "unreachable"
    page = prospect.events.get(kind="enrichment").data["pages"][0]
    assert page["error"] == "timeout"


def test_places_finds_the_website_of_a_prospect_without_one(places: PlacesFake) -> None:
    places.add(
        "Casa do Largo, Lisboa, Portugal",
        make_place("Largo Café", "Largo da Graça 1", website="http://cafe.test/"),
        make_place("Casa do Largo", "Largo da Graça 5, Lisboa", website="http://casa-largo.test/",
                   phone="+351 21 000 1234"),
    )  # fmt: skip
    prospect = new("Casa do Largo")
    result = prospect_enrich(prospect=prospect)
    prospect.refresh_from_db()
    assert result.status == "enriched"
    assert (prospect.website, prospect.domain) == ("http://casa-largo.test/", "casa-largo.test")
    assert prospect.phone == "+351 21 000 1234"
    assert prospect.property_type == "bnb"  # "Guesthouse" in its description
    assert list(prospect.contacts.values_list("email", flat=True)) == ["info@casa-largo.test"]
    assert places.requests[0].headers["x-goog-api-key"] == places.api_key


def test_without_website_or_places_the_prospect_is_left_for_the_operator(
    no_vendors: None, sites: SiteServer
) -> None:
    prospect = new("Pensão Sem Site")
    result = prospect_enrich(prospect=prospect)
    assert result.status == "no_website"
    event = prospect.events.get(kind="enrichment")
    assert event.message == "No website known; left for the operator"
    assert sites.hits == []


def test_a_busy_host_puts_the_task_off(no_vendors: None, settings: Any) -> None:
    settings.JENGU = {**settings.JENGU, "CRAWL_MAX_WAIT": 1.0}
    CrawlHost.objects.create(host="alfama-azul.test", next_at=timezone.now() + timedelta(minutes=2))
    prospect = new("Hotel Alfama Azul", "http://alfama-azul.test/")
    assert "waiting" in enrich_prospect(prospect.pk, 7)
    retry = Schedule.objects.get(func="prospects.tasks.enrich_prospect")
    assert retry.args == repr((prospect.pk, 7, 1))
    assert prospect.contacts.count() == 0
