"""The prospects admin writes through the services: an edit recomputes the dedup keys, score
and stage are read-only (the actions move them), contacts are normalized as imported ones."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from prospects.models import Contact, Prospect, ProspectEvent
from prospects.services import ProspectInput, prospect_create
from prospects.services.imports import import_file

pytestmark = pytest.mark.django_db


def _fields(form: Any) -> dict[str, Any]:
    """What a browser would post back for this form, unchanged."""
    data: dict[str, Any] = {}
    for name, field in form.fields.items():
        value = field.prepare_value(form[name].value())
        if isinstance(value, bool):
            if value:
                data[form.add_prefix(name)] = "on"
        elif value is not None:
            data[form.add_prefix(name)] = value
    return data


def change_data(client: Client, url: str, **changes: Any) -> dict[str, Any]:
    """The change form's current values (inline contacts included), with ``changes``."""
    context = client.get(url).context
    data = _fields(context["adminform"].form)
    for inline in context["inline_admin_formsets"]:
        formset = inline.formset
        data |= _fields(formset.management_form)
        for form in formset.forms:
            data |= _fields(form)
    return data | changes


def change_url(prospect: Prospect) -> str:
    return f"/admin/prospects/prospect/{prospect.pk}/change/"


def create(name: str, city: str = "Lisboa", **fields: Any) -> Prospect:
    return prospect_create(data=ProspectInput(name=name, city=city, **fields)).prospect


def test_editing_the_website_moves_the_dedup_key(admin_client: Client) -> None:
    hotel = create("Casa Azul", website="http://old-azul.example/")
    url = change_url(hotel)
    response = admin_client.post(
        url, change_data(admin_client, url, website="https://www.Casa-Azul.example/en/")
    )
    assert response.status_code == 302
    hotel.refresh_from_db()
    assert (hotel.website, hotel.domain) == (
        "https://www.Casa-Azul.example/en/",
        "casa-azul.example",
    )
    summary = import_file(
        "name,city,website\nAnother Name,Faro,http://casa-azul.example\n"
        "Old Azul,Porto,http://old-azul.example\n",
        "x.csv",
    )
    # the new site matches (the row fills the blank lead source); the old one is free again
    assert (summary.updated, summary.created) == (1, 1)
    assert not Prospect.objects.filter(name="Another Name").exists()
    assert Prospect.objects.get(domain="old-azul.example").name == "Old Azul"


def test_renaming_moves_the_name_key(admin_client: Client) -> None:
    hotel = create("Casa Azul", city="Lisboa")
    url = change_url(hotel)
    admin_client.post(url, change_data(admin_client, url, name="The Grand Hôtel", city="Porto"))
    hotel.refresh_from_db()
    assert (hotel.name_key, hotel.city_key) == ("grand", "porto")
    summary = import_file("name,city\nGrand Hotel,porto\nCasa Azul,Lisboa\n", "x.csv")
    assert (summary.updated, summary.created) == (1, 1)
    assert Prospect.objects.filter(name_key="grand").count() == 1


def test_another_prospects_website_is_refused_on_the_form(admin_client: Client) -> None:
    create("Casa Azul", website="http://casa-azul.example/")
    hotel = create("Quinta Verde", website="http://quinta-verde.example/")
    url = change_url(hotel)
    response = admin_client.post(
        url, change_data(admin_client, url, website="https://casa-azul.example/rooms")
    )
    assert response.status_code == 200
    assert "has this website" in response.content.decode()
    hotel.refresh_from_db()
    assert (hotel.website, hotel.domain) == ("http://quinta-verde.example/", "quinta-verde.example")


def test_a_prospect_added_in_the_admin_gets_its_keys(admin_client: Client) -> None:
    data = change_data(admin_client, "/admin/prospects/prospect/add/")
    data |= {"name": "Hotel Mar", "city": "Faro", "website": "https://hotel-mar.example"}
    assert admin_client.post("/admin/prospects/prospect/add/", data).status_code == 302
    hotel = Prospect.objects.get(name="Hotel Mar")
    assert (hotel.name_key, hotel.city_key, hotel.domain) == ("mar", "faro", "hotel-mar.example")
    assert hotel.events.filter(kind="created", actor="admin").exists()
    result = prospect_create(data=ProspectInput(name="Mar", city="faro"))
    assert (result.created, result.prospect.pk) == (False, hotel.pk)


def test_stage_and_score_are_read_only_and_the_action_moves_the_stage(
    admin_client: Client,
) -> None:
    hotel = create("Casa Azul")
    url = change_url(hotel)
    form = admin_client.get(url).context["adminform"].form
    assert {"stage", "score", "tier"}.isdisjoint(form.fields)
    admin_client.post(url, change_data(admin_client, url, stage="won", score="99", notes="hi"))
    hotel.refresh_from_db()
    assert (hotel.stage, hotel.score, hotel.notes) == ("new", 0, "hi")

    response = admin_client.post(
        "/admin/prospects/prospect/",
        {"action": "set_stage", "_selected_action": [hotel.pk], "stage": "meeting"},
    )
    assert response.status_code == 302
    hotel.refresh_from_db()
    assert hotel.stage == "meeting"
    event = ProspectEvent.objects.get(prospect=hotel, kind="stage")
    assert (event.actor, event.data["from"], event.data["to"]) == ("admin", "new", "meeting")
    admin_client.post(
        "/admin/prospects/prospect/", {"action": "set_stage", "_selected_action": [hotel.pk]}
    )  # no stage chosen: nothing moves
    assert Prospect.objects.get(pk=hotel.pk).stage == "meeting"


def test_a_contact_edited_in_the_admin_is_normalized_and_unique(admin_client: Client) -> None:
    hotel = create("Casa Azul", contact_email="ana@casa-azul.example")
    create("Quinta Verde", contact_email="info@quinta-verde.example")
    contact = hotel.contacts.get()
    url = f"/admin/prospects/contact/{contact.pk}/change/"
    data = change_data(admin_client, url, email=" Reservas@Casa-Azul.EXAMPLE ")
    assert admin_client.post(url, data).status_code == 302
    contact.refresh_from_db()
    assert (contact.email, contact.is_role) == ("reservas@casa-azul.example", True)

    data = change_data(admin_client, url, email="INFO@quinta-verde.example")
    response = admin_client.post(url, data)
    assert response.status_code == 200 and "is already contact #" in response.content.decode()
    assert Contact.objects.get(pk=contact.pk).email == "reservas@casa-azul.example"


def test_a_contact_edited_inline_on_the_prospect_is_normalized(admin_client: Client) -> None:
    hotel = create("Casa Azul", contact_email="ana@casa-azul.example")
    url = change_url(hotel)
    data = change_data(admin_client, url, **{"contacts-0-email": "Ana.Lima@Casa-Azul.Example"})
    assert admin_client.post(url, data).status_code == 302
    assert list(hotel.contacts.values_list("email", flat=True)) == ["ana.lima@casa-azul.example"]
