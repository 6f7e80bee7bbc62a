"""Prospect search at scale: trigram indexes on PostgreSQL only (SQLite keeps working without
them), and the search still finds a prospect by name, city, website and contact email, from the
API and from the admin."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from rest_framework.test import APIClient

from prospects.models import Prospect
from prospects.services import prospect_search_q
from tests.factories import ContactFactory, ProspectFactory

pytestmark = pytest.mark.django_db
TRGM = {
    "prospect_name_trgm",
    "prospect_city_trgm",
    "prospect_domain_trgm",
    "contact_email_trgm",
    "contact_name_trgm",
}


def _index_names() -> set[str]:
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SELECT indexname FROM pg_indexes WHERE indexname LIKE %s", ["%_trgm"])
        else:
            cur.execute(
                "SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE '%_trgm'"
            )
        return {row[0] for row in cur.fetchall()}


def _applied() -> bool:
    with connection.cursor() as cur:
        cur.execute(
            "SELECT 1 FROM django_migrations WHERE app = 'prospects' AND name = %s",
            ["0005_scale_indexes"],
        )
        return cur.fetchone() is not None


@pytest.mark.postgres
def test_the_migration_builds_the_trigram_indexes_on_postgresql() -> None:
    assert _applied()
    assert _index_names() == TRGM
    with connection.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        assert cur.fetchone()


def test_sqlite_records_the_migration_and_builds_nothing() -> None:
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite run checks this")
    assert _applied()
    assert _index_names() == set()


@pytest.mark.postgres
def test_the_search_is_answered_from_the_trigram_indexes() -> None:
    """With sequential scans priced out, the plan names the indexes: they match the query's
    UPPER(col) LIKE (an index on the bare column would never be used)."""
    ProspectFactory.create_batch(3)
    with connection.cursor() as cur:
        cur.execute("SET LOCAL enable_seqscan = off")
        plan = Prospect.objects.filter(prospect_search_q("azul")).explain()
    for name in ("prospect_name_trgm", "prospect_city_trgm", "contact_email_trgm"):
        assert name in plan


@pytest.fixture
def casa() -> Prospect:
    prospect = ProspectFactory(
        name="Casa Azul", city="Évora", website="https://www.casa-azul-evora.example/rooms"
    )
    ContactFactory(prospect=prospect, name="Rita Mar", email="bookings@azulmail.example")
    ProspectFactory(name="Hotel Other", city="Porto", website="https://other.example")
    return prospect


@pytest.mark.parametrize(
    "term", ["casa azul", "ÉVORA", "casa-azul-evora.example", "bookings@azulmail"]
)
def test_the_api_search_finds_by_name_city_website_and_email(
    api: APIClient, casa: Prospect, term: str
) -> None:
    response = api.get("/api/prospects", {"search": term})
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [casa.pk]


def test_the_api_search_lists_a_prospect_once_however_many_contacts_match(
    api: APIClient, casa: Prospect
) -> None:
    ContactFactory(prospect=casa, email="manager@azulmail.example")
    response = api.get("/api/prospects", {"search": "azulmail", "page": "2"})  # page: ignored
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [casa.pk]


@pytest.mark.parametrize("term", ["casa azul", "ÉVORA", "casa-azul-evora", "azulmail", "Rita"])
def test_the_admin_search_finds_by_name_city_website_email_and_contact_name(
    admin_client: Client, casa: Prospect, term: str
) -> None:
    response = admin_client.get("/admin/prospects/prospect/", {"q": term})
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [casa]


def test_the_admin_search_matches_the_phrase_typed(admin_client: Client, casa: Prospect) -> None:
    response = admin_client.get("/admin/prospects/prospect/", {"q": "  casa   azul "})
    assert list(response.context["cl"].result_list) == [casa]
    response = admin_client.get("/admin/prospects/prospect/", {"q": "azul porto"})
    assert list(response.context["cl"].result_list) == []
