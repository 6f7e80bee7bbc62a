"""An erased person stays suppressed by the salted hash: sending answers 409 ``suppressed``,
importing them again (CSV, API) is refused and nothing is stored, the suppression list finds
the hashed entry by the address."""

from __future__ import annotations

from typing import Any

import pytest

from compliance.models import Suppression
from compliance.services import suppression_add
from privacy.services import erase_prospect
from prospects.models import Contact, Prospect
from prospects.services.imports import ERASED_ROW, import_file
from tests.factories import ContactFactory, ProspectFactory

pytestmark = pytest.mark.django_db
ADDRESS = "Jorge.Vanderbilt@casa-erased.example"


@pytest.fixture
def erased() -> str:
    contact = ContactFactory(email=ADDRESS.lower(), name="Jorge Vanderbilt")
    erase_prospect(contact.prospect_id, actor="dpo")
    assert not Contact.objects.exists() and not Prospect.objects.exists()
    return ADDRESS


def test_a_csv_import_of_the_address_is_refused_and_nothing_is_stored(erased: str) -> None:
    csv = (
        "name,city,website,contact_email,contact_name\n"
        f"Casa Erased,Porto,https://casa-erased.example,{erased},Jorge Vanderbilt\n"
        "Casa Other,Porto,https://casa-other.example,ana@casa-other.example,Ana Other\n"
    )
    summary = import_file(csv.encode(), "prospects.csv")

    assert summary.created == 1
    assert [(e.line, e.detail) for e in summary.errors] == [(2, ERASED_ROW)]
    assert list(Prospect.objects.values_list("name", flat=True)) == ["Casa Other"]
    assert not Contact.objects.filter(email__iexact=erased).exists()


def test_the_api_refuses_the_address_with_409_suppressed(erased: str, api: Any) -> None:
    response = api.post(
        "/api/prospects",
        {"name": "Casa Erased", "contact_email": erased.upper(), "contact_name": "Jorge V"},
        format="json",
    )
    assert response.status_code == 409, response.content
    assert response.json()["code"] == "suppressed"
    assert not Prospect.objects.exists()


def test_send_email_to_the_address_answers_409_suppressed(erased: str, api: Any) -> None:
    # Entered another way (an old backup restored, a raw insert): the hash still stops it.
    contact = ContactFactory(email=erased.lower(), prospect=ProspectFactory())
    response = api.post("/api/send-email", {"prospectId": contact.prospect_id}, format="json")
    assert response.status_code == 409, response.content
    assert response.json()["code"] == "suppressed"


def test_the_suppression_list_finds_the_hashed_entry_by_address(erased: str, api: Any) -> None:
    found = api.get("/api/suppressions", {"email": erased}).json()["results"]
    assert len(found) == 1
    assert found[0]["erased"] is True and found[0]["email"] == ""
    by_domain = api.get("/api/suppressions", {"domain": "casa-erased.example"}).json()
    assert [r["id"] for r in by_domain["results"]] == [found[0]["id"]]
    assert (
        api.get("/api/suppressions", {"email": "else@casa-erased.example"}).json()["results"] == []
    )


def test_suppressing_the_address_again_writes_no_plain_row(erased: str) -> None:
    row, created = suppression_add(email=erased, reason=Suppression.Reason.MANUAL)
    assert not created and row.is_hashed
    assert not Suppression.objects.exclude(email="").exists()


def test_a_contact_found_later_is_not_stored_again(erased: str) -> None:
    from prospects.services.contacts import contact_get_or_create

    prospect = ProspectFactory()
    assert contact_get_or_create(prospect_id=prospect.pk, email=erased) == (None, False)
    assert not Contact.objects.exists()


def test_enrichment_does_not_add_the_address_back(erased: str) -> None:
    from prospects.services.enrich import _create_contacts

    prospect = ProspectFactory()
    created = _create_contacts(prospect, [erased.lower(), "desk@casa-erased.example"])
    assert list(Contact.objects.filter(pk__in=created).values_list("email", flat=True)) == [
        "desk@casa-erased.example"
    ]


def test_a_newer_domain_suppression_does_not_let_the_address_be_written_again(erased: str) -> None:
    """The domain's row is newer than the hashed one (and comes first in is_suppressed); a
    bounce from the erased address still finds the hashed row, never stores the address."""
    domain_row, _ = suppression_add(domain="casa-erased.example", reason="manual")
    row, created = suppression_add(email=erased, reason="bounce")
    assert not created and row.is_hashed and row.pk != domain_row.pk
    assert not Suppression.objects.filter(email__iexact=erased).exists()
