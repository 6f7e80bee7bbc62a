"""The organisation behind a host (Public Suffix List), site builders, and host-level dedup."""

from __future__ import annotations

import socket
from typing import Any

import pytest

from prospects import normalize
from prospects.normalize import is_platform_domain, registrable_domain
from prospects.services import ProspectInput, prospect_create
from prospects.services.keys import domain_key


@pytest.mark.parametrize(
    ("value", "organisation"),
    [
        ("info@paris.hotelgroup.co.uk", "hotelgroup.co.uk"),
        ("sales@hotelgroup.co.uk", "hotelgroup.co.uk"),
        ("https://www.hotelgroup.co.uk/contact", "hotelgroup.co.uk"),
        ("reservas.grupo-hoteles.example", "grupo-hoteles.example"),  # the default rule "*"
        ("ana@alfama-azul.test", "alfama-azul.test"),
        ("a.b.hotel-sol.com.br", "hotel-sol.com.br"),
        ("https://alfama-azul.wixsite.com/home", "alfama-azul.wixsite.com"),
        ("casa-largo.blogspot.com", "casa-largo.blogspot.com"),
        ("https://quinta-serra.business.site/", "quinta-serra.business.site"),
        ("co.uk", ""),
        ("blogspot.com", ""),
        ("http://192.168.1.10/", ""),
        ("localhost", ""),
        ("n/a", ""),
        ("", ""),
    ],
)
def test_the_organisation_is_the_registrable_domain(value: str, organisation: str) -> None:
    assert registrable_domain(value) == organisation


@pytest.mark.parametrize(
    ("unicode", "punycode", "organisation"),
    [
        ("info@reservas.münchen-hotel.de", "xn--mnchen-hotel-dlb.de", "xn--mnchen-hotel-dlb.de"),
        # a Unicode public suffix (東京.jp) is matched in both spellings too
        (
            "https://www.例え.東京.jp/",
            "hotel.xn--r8jz45g.xn--1lqs71d.jp",
            "xn--r8jz45g.xn--1lqs71d.jp",
        ),
        ("отель.рф", "www.xn--e1amhq6c.xn--p1ai", "xn--e1amhq6c.xn--p1ai"),
    ],
)
def test_unicode_and_punycode_spellings_give_one_organisation(
    unicode: str, punycode: str, organisation: str
) -> None:
    assert registrable_domain(unicode) == registrable_domain(punycode) == organisation


def test_the_bundled_list_is_read_without_any_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_network(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the Public Suffix List must not be fetched at run time")

    monkeypatch.setattr(socket, "socket", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    normalize._public_suffixes.cache_clear()
    try:
        assert registrable_domain("info@paris.hotelgroup.co.uk") == "hotelgroup.co.uk"
    finally:
        normalize._public_suffixes.cache_clear()


@pytest.mark.parametrize(
    ("website", "key"),
    [
        ("https://alfama-azul.wixsite.com/home", "alfama-azul.wixsite.com"),
        ("http://casa-largo.blogspot.com/", "casa-largo.blogspot.com"),
        ("quinta-serra.business.site", "quinta-serra.business.site"),
        ("https://wixsite.com/", ""),
        ("https://www.facebook.com/hotelalfamaazul", ""),
        ("https://www.booking.com/hotel/pt/alfama-azul.html", ""),
    ],
)
def test_a_site_builders_customer_is_one_site_and_a_platform_is_none(
    website: str, key: str
) -> None:
    assert domain_key(website) == key
    assert is_platform_domain(website) is (key == "")


def create(name: str, city: str, website: str) -> Any:
    return prospect_create(data=ProspectInput(name=name, city=city, website=website))


@pytest.mark.django_db
def test_two_hotels_on_one_site_builder_are_two_prospects_and_one_site_is_one() -> None:
    alfama = create("Alfama Azul", "Lisboa", "alfama-azul.wixsite.com")
    largo = create("Casa do Largo", "Lisboa", "casa-largo.wixsite.com")
    again = create("Alfama Azul Boutique", "Lisbon", "https://alfama-azul.wixsite.com/")
    assert alfama.created and largo.created and alfama.prospect.pk != largo.prospect.pk
    assert (again.created, again.prospect.pk) == (False, alfama.prospect.pk)


@pytest.mark.django_db
def test_hotels_of_one_chain_on_their_own_hosts_stay_two_prospects() -> None:
    paris = create("Chain Opéra", "Paris", "https://paris.chain.com/")
    rome = create("Chain Termini", "Roma", "https://rome.chain.com/")
    assert paris.created and rome.created
    assert (paris.prospect.domain, rome.prospect.domain) == ("paris.chain.com", "rome.chain.com")
    assert registrable_domain(paris.prospect.domain) == registrable_domain(rome.prospect.domain)
