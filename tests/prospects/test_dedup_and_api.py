"""Prospect create/list/filter through the API, and the dedup constraints behind it."""

from __future__ import annotations

import pytest
from django.db import IntegrityError

from prospects.models import Contact, Prospect
from prospects.services import ProspectInput, prospect_create

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "variant",
    [
        "The Grand Hôtel",
        "grand hotel",
        "GRAND   HOTEL",
        "Grand-Hotel",
        "Hotel Grand",
        "Grand Hotel.",
    ],
)
def test_name_variants_in_the_same_city_are_duplicates(variant: str) -> None:
    first = prospect_create(data=ProspectInput(name="Grand Hotel", city="Lisbon"))
    again = prospect_create(data=ProspectInput(name=variant, city="lisbon "))
    assert first.created and not again.created
    assert again.prospect.pk == first.prospect.pk
    assert Prospect.objects.count() == 1


def test_the_same_name_in_another_city_is_a_different_prospect() -> None:
    prospect_create(data=ProspectInput(name="Grand Hotel", city="Lisbon"))
    other = prospect_create(data=ProspectInput(name="Grand Hotel", city="Porto"))
    assert other.created


def test_non_latin_names_survive_normalization_and_do_not_collide() -> None:
    a = prospect_create(data=ProspectInput(name="京都旅館", city="Kyoto"))
    b = prospect_create(data=ProspectInput(name="大阪旅館", city="Kyoto"))
    c = prospect_create(data=ProspectInput(name="Гостиница Москва", city="Moscow"))
    assert a.created and b.created and c.created
    assert a.prospect.name_key and c.prospect.name_key
    assert a.prospect.name_key != b.prospect.name_key


def test_same_domain_or_contact_email_is_a_duplicate() -> None:
    first = prospect_create(
        data=ProspectInput(
            name="Casa Azul",
            city="Lisbon",
            website="https://www.casa-azul.example/pt",
            contact_email="Ana@Casa-Azul.example",
        )
    )
    by_domain = prospect_create(
        data=ProspectInput(name="Azul House", city="Sintra", website="http://casa-azul.example")
    )
    by_email = prospect_create(
        data=ProspectInput(name="Another", city="Faro", contact_email="ana@casa-azul.EXAMPLE")
    )
    assert (by_domain.matched_by, by_email.matched_by) == ("domain", "email")
    assert by_domain.prospect.pk == by_email.prospect.pk == first.prospect.pk


def test_database_constraints_hold_even_without_the_service() -> None:
    prospect_create(
        data=ProspectInput(name="Casa Azul", city="Lisbon", contact_email="ana@casa.example")
    )
    p = Prospect.objects.get()
    with pytest.raises(IntegrityError):
        Contact.objects.create(prospect=p, email="ANA@casa.example")


def test_empty_domain_and_email_are_not_unique() -> None:
    for n in range(3):
        prospect_create(data=ProspectInput(name=f"Pousada {n}", city="Évora"))
    assert Prospect.objects.filter(domain="").count() == 3


def test_api_creates_a_prospect_then_reports_the_duplicate(api) -> None:
    payload = {
        "name": "Hotel Miramar",
        "city": "Cascais",
        "country": "Portugal",
        "website": "miramar.example",
        "contact_email": "gm@miramar.example",
        "contact_name": "Rita Lopes",
        "source": "api-test",
    }
    created = api.post("/api/prospects", payload, format="json")
    assert created.status_code == 201
    body = created.json()
    assert body["duplicate"] is False and body["id"]
    assert body["contact_email"] == "gm@miramar.example"
    assert body["website"] == "https://miramar.example"
    again = api.post("/api/prospects/", {**payload, "name": "Miramar"}, format="json")
    assert again.status_code == 200
    assert again.json()["duplicate"] is True and again.json()["id"] == body["id"]


def test_api_validation_names_each_bad_field(api) -> None:
    response = api.post(
        "/api/prospects",
        {"name": "", "contact_email": "not-an-email", "website": "ftp://x"},
        format="json",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert set(body["fields"]) == {"name", "contact_email", "website"}
    assert Prospect.objects.count() == 0


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        (
            "josé@miramar.pt",
            "Internationalized characters before the @-sign are not supported: 'é'.",
        ),
        (
            "gm@miramar.local",
            "The part after the @-sign is a special-use or reserved name that cannot be used "
            "with email.",
        ),
        ("gm@miramar", "The part after the @-sign is not valid. It should have a period."),
    ],
)
def test_api_400_for_a_contact_email_gives_the_reason(api, address: str, reason: str) -> None:
    response = api.post(
        "/api/prospects", {"name": "Miramar", "contact_email": address}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["fields"] == {"contact_email": [reason]}
    assert Prospect.objects.count() == 0


def test_api_accepts_an_internationalised_domain_and_stores_it_as_punycode(api) -> None:
    response = api.post(
        "/api/prospects",
        {"name": "Gasthof Müller", "contact_email": "Info@München-Hotel.de"},
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["contact_email"] == "info@xn--mnchen-hotel-dlb.de"


def test_api_list_filters_and_search(api) -> None:
    for name, stage in [("Alpha Inn", "ready"), ("Beta Lodge", "new"), ("Gamma Hotel", "ready")]:
        result = prospect_create(data=ProspectInput(name=name, city="Porto"))
        Prospect.objects.filter(pk=result.prospect.pk).update(stage=stage)
    ready = api.get("/api/prospects?stage=ready").json()["results"]
    assert sorted(p["name"] for p in ready) == ["Alpha Inn", "Gamma Hotel"]
    assert [p["name"] for p in api.get("/api/prospects/?search=lodge").json()["results"]] == [
        "Beta Lodge"
    ]
    newest_first = [p["name"] for p in api.get("/api/prospects").json()["results"]]
    assert newest_first == ["Gamma Hotel", "Beta Lodge", "Alpha Inn"]
    bad = api.get("/api/prospects?stage=nope")
    assert bad.status_code == 400 and "stage" in bad.json()["fields"]


def test_api_list_paginates_with_a_cursor(api) -> None:
    for n in range(7):
        prospect_create(data=ProspectInput(name=f"Hotel {n}", city="Braga"))
    seen, url = [], "/api/prospects?page_size=3"
    while url:
        page = api.get(url).json()
        seen += [p["name"] for p in page["results"]]
        url = page["next"]
    assert len(seen) == 7 and len(set(seen)) == 7
