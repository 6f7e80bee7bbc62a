"""The prospect page shows its structured fields as widgets: tags as a comma-separated box
with chips (saved as the list), the enrichment as a table; the derived fields are read only and
moved by actions that call the services."""

from __future__ import annotations

import pytest
from django import forms
from django.test import Client
from django.utils import timezone

from core.admin_display import TagListField, grouped
from prospects.models import DuplicateHint, Prospect
from tests.factories import ProspectFactory
from tests.prospects.test_admin import change_data, change_url, create

pytestmark = pytest.mark.django_db


def test_tags_are_typed_comma_separated_and_saved_as_the_list(admin_client: Client) -> None:
    hotel = create("Casa Azul", tags=["boutique"])
    url = change_url(hotel)
    page = admin_client.get(url).content.decode()
    assert 'value="boutique"' in page and '<span class="jg-tag">boutique</span>' in page

    data = change_data(admin_client, url, tags=" boutique, sea view ,, Boutique,family-run ")
    assert admin_client.post(url, data).status_code == 302

    hotel.refresh_from_db()
    assert hotel.tags == ["boutique", "sea view", "family-run"]
    page = admin_client.get(url).content.decode()
    assert '<span class="jg-tag">sea view</span>' in page
    assert 'value="boutique, sea view, family-run"' in page


def test_an_unchanged_tag_box_keeps_the_tags_and_empty_clears_them(admin_client: Client) -> None:
    hotel = create("Casa Azul", tags=["boutique", "sea view"])
    url = change_url(hotel)
    admin_client.post(url, change_data(admin_client, url, notes="called on Monday"))
    hotel.refresh_from_db()
    assert (hotel.tags, hotel.notes) == (["boutique", "sea view"], "called on Monday")

    admin_client.post(url, change_data(admin_client, url, tags=""))
    hotel.refresh_from_db()
    assert hotel.tags == []


def test_more_than_twenty_tags_are_refused() -> None:
    with pytest.raises(forms.ValidationError, match="At most 20 tags"):
        TagListField().clean(", ".join(f"tag {n}" for n in range(21)))


def test_the_enrichment_is_a_table_not_json(admin_client: Client) -> None:
    hotel = ProspectFactory(
        enrichment={"rooms": 24, "languages": ["pt", "en"], "engine": {"name": "SiteMinder"}},
        social={"instagram": "https://instagram.example/casaazul"},
    )
    page = admin_client.get(change_url(hotel)).content.decode()
    assert "<tr><th>rooms</th><td>24</td></tr>" in page
    assert "<tr><th>languages</th><td>pt, en</td></tr>" in page
    assert "<tr><th>name</th><td>SiteMinder</td></tr>" in page  # nested, a table in the cell
    assert "<tr><th>instagram</th><td>https://instagram.example/casaazul</td></tr>" in page
    assert "&quot;rooms&quot;" not in page and '"rooms"' not in page


def test_score_stage_and_dedup_keys_are_read_only(admin_client: Client) -> None:
    hotel = create("Casa Azul", website="https://casa-azul.example/")
    url = change_url(hotel)
    form = admin_client.get(url).context["adminform"].form
    assert {"stage", "score", "tier", "name_key", "city_key", "domain"}.isdisjoint(form.fields)


def test_rerun_dedup_finds_the_near_duplicates_of_the_selected(admin_client: Client) -> None:
    older = ProspectFactory(name="Casa do Largo", city="Lisbon")
    newer = ProspectFactory(name="Casa de Largo", city="Lisbon")
    ProspectFactory(name="Quinta Verde", city="Lisbon")
    assert not DuplicateHint.objects.exists()  # made without the services: no hint yet

    response = admin_client.post(
        "/admin/prospects/prospect/",
        {"action": "rerun_dedup", "_selected_action": [newer.pk]},
        follow=True,
    )

    hint = DuplicateHint.objects.get()
    assert (hint.prospect_id, hint.other_id) == (newer.pk, older.pk)
    assert "Dedup re-run: 1 near-duplicate pair(s) found." in response.content.decode()


def test_recompute_score_moves_an_enriched_prospect(admin_client: Client) -> None:
    hotel = create("Casa Azul", contact_email="ana@casa-azul.example")
    Prospect.objects.filter(pk=hotel.pk).update(score=0, tier="cold")
    admin_client.post(
        "/admin/prospects/prospect/", {"action": "rescore", "_selected_action": [hotel.pk]}
    )
    hotel.refresh_from_db()
    assert hotel.score > 0 and hotel.score_detail


def test_the_list_filters_prospects_that_replied(admin_client: Client) -> None:
    replied = ProspectFactory(name="Casa Azul", replied_at=timezone.now())
    silent = ProspectFactory(name="Quinta Verde")

    def names(query: str) -> set[str]:
        response = admin_client.get(f"/admin/prospects/prospect/?{query}")
        return {p.name for p in response.context["cl"].result_list}

    assert names("replied_at_set=yes") == {replied.name}
    assert names("replied_at_set=no") == {silent.name}
    page = admin_client.get("/admin/prospects/prospect/").content.decode()
    assert "By replied?" in page and "No reply yet" in page


def test_a_field_no_group_names_still_shows_in_a_last_group() -> None:
    groups = [(None, ["name", "city", "gone"]), ("Keys (details)", ["name_key"])]
    fieldsets = grouped(groups, ["name", "city", "name_key", "added_later"])
    assert fieldsets == [
        (None, {"fields": ["name", "city"], "classes": []}),
        ("Keys", {"fields": ["name_key"], "classes": ["collapse"]}),
        ("More", {"fields": ["added_later"]}),
    ]
