"""``manage.py import_prospects``: summary, per-line errors, idempotency, every file flavour."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from prospects import import_plan
from prospects.models import Contact, PipelineRun, Prospect, ProspectEvent
from prospects.services import ProspectInput, prospect_create

pytestmark = pytest.mark.django_db
IMPORTS = Path(__file__).resolve().parent.parent / "fixtures" / "imports"


def run(*args: Any) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_prospects", *map(str, args), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def snapshot() -> tuple[list[Any], list[Any], int]:
    prospects = list(Prospect.objects.order_by("pk").values())
    contacts = list(Contact.objects.order_by("pk").values())
    return prospects, contacts, ProspectEvent.objects.count()


def test_summary_and_errors_per_line(tmp_path: Path) -> None:
    out, _ = run(IMPORTS / "generic.csv", "--no-progress")
    assert "created: 5  updated: 0  duplicates: 0  errors: 4" in out
    assert "line 4: missing name" in out
    assert "line 5: invalid email 'reservations@quintadaserra' left out" in out
    assert "line 8: 12 fields, but the header has 10" in out
    assert "line 9: 2 fields, but the header has 10" in out
    names = set(Prospect.objects.values_list("name", flat=True))
    assert "Memória Guesthouse" not in names and "Bairro Novo Hotel" not in names
    assert {"Hotel Alfama Azul", "Quinta da Serra", "Hotel Miradouro"} <= names
    # the good rows after the bad ones landed, with their multi-line notes
    palacio = Prospect.objects.get(name="Palácio das Flores")
    assert palacio.notes == "Owner prefers Portuguese.\nCall after 3pm"
    run_row = PipelineRun.objects.get(kind=PipelineRun.Kind.IMPORT)
    assert run_row.counts["import"]["created"] == 5 and len(run_row.errors) == 4


def test_importing_the_same_file_again_changes_nothing() -> None:
    run(IMPORTS / "generic.csv", "--no-progress")
    before = snapshot()
    out, _ = run(IMPORTS / "generic.csv", "--no-progress")
    assert "created: 0  updated: 0  duplicates: 5  errors: 4" in out
    assert snapshot() == before


def test_the_command_shows_a_progress_bar() -> None:
    _, err = run(IMPORTS / "duplicates.csv")
    assert "duplicates.csv" in err and "100%" in err and "lines" in err


def test_json_output_has_the_contract_shape() -> None:
    out, err = run(IMPORTS / "prospects.jsonl", "--json")
    body = json.loads(out)
    assert err == ""  # no progress bar in JSON mode
    assert (body["created"], body["updated"], body["duplicates"]) == (3, 0, 0)
    assert body["errors"] == [
        {"line": 4, "detail": "invalid JSON: Expecting property name enclosed in double quotes "
                              "(column 72)"},
        {"line": 5, "detail": "expected a JSON object, found list"},
        {"line": 6, "detail": "missing name"},
    ]  # fmt: skip
    castelo = Prospect.objects.get(name="Pousada do Castelo")
    assert castelo.contacts.get().email == "luis.faria@pousadacastelo.pt"


def test_duplicate_variants_inside_one_file() -> None:
    out, _ = run(IMPORTS / "duplicates.csv", "--no-progress")
    assert "created: 3  updated: 0  duplicates: 2  errors: 0" in out
    lisboa = Prospect.objects.get(city_key="lisboa", name_key="grand")
    assert (lisboa.name, lisboa.domain) == ("The Grand Hôtel", "grandhotel-lisboa.pt")
    assert Prospect.objects.filter(name_key="grand").count() == 2  # Lisboa and Porto


@pytest.mark.parametrize("chunk", [1, 2, 1000])
def test_chunk_size_does_not_change_the_result(chunk: int) -> None:
    out, _ = run(IMPORTS / "duplicates.csv", "--no-progress", "--chunk-size", chunk)
    assert "created: 3  updated: 0  duplicates: 2" in out


def test_encodings_bom_and_latin1() -> None:
    run(IMPORTS / "utf8_bom.csv", IMPORTS / "latin1.csv", "--no-progress")
    names = set(Prospect.objects.values_list("name", flat=True))
    assert {"Café São Bento", "Hôtel Les Écuries", "Hôtel de l'Église", "Gasthof Müller"} <= names
    muller = Prospect.objects.get(name="Gasthof Müller")
    assert (muller.city, muller.country) == ("München", "Deutschland")
    assert Prospect.objects.get(name="Hôtel Les Écuries").website == "https://ecuries.ca"


def test_sales_navigator_export_is_mapped_to_people() -> None:
    out, _ = run(IMPORTS / "sales_navigator.csv", "--no-progress")
    assert "line 5: missing name" in out  # Pedro Almeida has no company
    marta = Contact.objects.get(name="Marta Lopes")
    assert (marta.title, marta.email, marta.is_role) == (
        "General Manager",
        "marta.lopes@chiadovelho.pt",
        False,
    )
    assert marta.linkedin_url == "https://www.linkedin.com/in/marta-lopes-gm"
    chiado = marta.prospect
    assert (chiado.name, chiado.city, chiado.country) == (
        "Hotel Chiado Velho",
        "Lisbon",
        "Portugal",
    )
    assert (chiado.domain, chiado.lead_source) == ("chiadovelho.pt", "sales_navigator")
    jose = Contact.objects.get(name="José Núñez")
    assert jose.email == "" and jose.prospect.city == "Madrid"


def test_old_system_exports_keep_their_ids_and_stages() -> None:
    run(IMPORTS / "supabase_prospects.csv", IMPORTS / "d1_export.sql", "--no-progress")
    bela = Prospect.objects.get(name="Hotel Bela Vista")
    assert bela.legacy_id == "3f1c2a9e-8d4b-4f5e-9a7c-1b2d3e4f5a6b"
    assert (bela.stage, bela.tier, bela.score) == ("contacted", "hot", 82)
    assert (bela.property_type, bela.tags) == ("boutique_hotel", ["boutique", "seafront"])
    assert Prospect.objects.get(name="Casa Amarela").property_type == "bnb"  # "guesthouse"
    sagres = Prospect.objects.get(legacy_id="p_7c1e0a")
    assert (sagres.name, sagres.stage) == ("Hotel Infante Sagres", "contacted")
    assert sagres.contacts.get().email == "helena.castro@infante-sagres.pt"
    out, _ = run(IMPORTS / "d1_export.sql", "--no-progress")
    assert "created: 0  updated: 0  duplicates: 4" in out


def test_later_rows_fill_blanks_and_count_as_updated(tmp_path: Path) -> None:
    path = tmp_path / "fill.csv"
    path.write_text(
        "name,city,website,email,contact_name\n"
        "Casa Azul,Lisboa,,,\n"
        "CASA AZUL,lisboa,casa-azul.example,,Rui Lopes\n"
        "Azul Guest House,Sintra,https://www.casa-azul.example/en,info@casa-azul.example,\n"
        "Casa Azul,Lisboa,casa-azul.example,,Rui Lopes\n",
        encoding="utf-8",
    )
    out, _ = run(path, "--no-progress")
    assert "created: 1  updated: 2  duplicates: 1  errors: 0" in out
    casa = Prospect.objects.get()
    assert (casa.website, casa.domain) == ("https://casa-azul.example", "casa-azul.example")
    contacts = list(casa.contacts.order_by("pk").values_list("name", "email", "is_primary"))
    assert contacts == [("Rui Lopes", "", True), ("", "info@casa-azul.example", False)]


def test_several_addresses_in_one_cell_become_contacts() -> None:
    run(IMPORTS / "generic.csv", "--no-progress")
    miradouro = Prospect.objects.get(name="Hotel Miradouro")
    assert list(miradouro.contacts.order_by("pk").values_list("email", "is_primary")) == [
        ("sales@hotelmiradouro.pt", True),
        ("reservas@hotelmiradouro.pt", False),
    ]


def test_values_too_long_or_not_urls_are_reported(tmp_path: Path) -> None:
    path = tmp_path / "long.csv"
    long_name = "Hotel " + "x" * 300
    path.write_text(
        "name,city,website,title,contact_name\n"
        f"{long_name},Faro,,,\n"
        f"Casa Faro,Faro,not a website,{'t' * 250},Ana\n"
        "Casa Tavira,Tavira,https://casatavira.example,,\n",
        encoding="utf-8",
    )
    out, _ = run(path, "--no-progress")
    assert "created: 2" in out
    assert "line 2: name longer than 255 characters" in out
    assert "line 3: website 'not a website' is not a web address; left out" in out
    assert "line 3: contact_title longer than 200 characters" in out
    faro = Prospect.objects.get(name="Casa Faro")
    assert faro.website == "" and faro.contacts.get().title == ""


def test_rows_match_prospects_made_elsewhere_and_merged_ones_land_on_the_survivor(
    tmp_path: Path,
) -> None:
    kept = prospect_create(data=ProspectInput(name="Casa Verde", city="Porto")).prospect
    merged = prospect_create(
        data=ProspectInput(name="Casa Verde Guesthouse", city="Porto", website="casaverde.pt")
    ).prospect
    Prospect.objects.filter(pk=merged.pk).update(archived=True, merged_into=kept)
    path = tmp_path / "verde.csv"
    path.write_text("name,city,website,email\nCasa Verde Guesthouse,Porto,,ola@casaverde.pt\n")
    out, _ = run(path, "--no-progress")
    assert "created: 0  updated: 1  duplicates: 0" in out
    assert Contact.objects.get(email="ola@casaverde.pt").prospect_id == kept.pk


def test_a_chunk_that_hits_a_constraint_is_replayed_row_by_row(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another writer inserts a prospect between our lookup and our insert (simulated by
    hiding it from the first lookup): that chunk is replayed row by row, nothing is lost."""
    prospect_create(data=ProspectInput(name="Casa Rosa", city="Braga", lead_source="csv"))
    real_load = import_plan.Chunk.load
    calls = {"n": 0}

    def blind_first_load(chunk: Any) -> None:
        calls["n"] += 1
        if calls["n"] > 1:
            real_load(chunk)

    monkeypatch.setattr(import_plan.Chunk, "load", blind_first_load)
    path = tmp_path / "rosa.csv"
    path.write_text("name,city\nCasa Rosa,Braga\nCasa Lima,Braga\n")
    out, _ = run(path, "--no-progress")
    assert "created: 1  updated: 0  duplicates: 1  errors: 0" in out
    assert Prospect.objects.filter(city="Braga").count() == 2
