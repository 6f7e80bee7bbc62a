"""The big tables' changelists never count every row: a first page costs the page, not the
table. Up to a cap the count is exact (a COUNT over a LIMIT); past it PostgreSQL's planner
estimate stands in."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from core.paging import EstimatedCountPaginator
from prospects.models import Prospect
from tests.factories import ContactFactory, ProspectFactory

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent.parent
CHANGELISTS = [
    "/admin/prospects/prospect/",
    "/admin/prospects/prospect/?q=hotel",
    "/admin/prospects/prospect/?stage__exact=ready",
    "/admin/prospects/contact/",
    "/admin/outreach/enrollment/",
    "/admin/outreach/outboundemail/",
    "/admin/outreach/inboundmessage/",
    "/admin/outreach/reply/",
]


def _full_counts(queries: list[dict[str, str]]) -> list[str]:
    """COUNT queries that are not bounded by a LIMIT: the ones that read a whole table."""
    return [
        q["sql"]
        for q in queries
        if re.search(r"COUNT\(\*\)", q["sql"], re.I) and not re.search(r"\bLIMIT\b", q["sql"])
    ]


@pytest.mark.parametrize("url", CHANGELISTS)
def test_a_changelist_runs_no_full_count(admin_client: Client, url: str) -> None:
    ContactFactory.create_batch(3)
    with CaptureQueriesContext(connection) as ctx:
        response = admin_client.get(url)
    assert response.status_code == 200
    assert _full_counts(ctx.captured_queries) == []


def test_the_page_still_says_how_many_rows_there_are(admin_client: Client) -> None:
    ProspectFactory.create_batch(3)
    response = admin_client.get("/admin/prospects/prospect/")
    assert response.context["cl"].result_count == 3
    assert "3 prospects" in response.content.decode()


@pytest.mark.postgres
def test_past_the_cap_postgresql_answers_with_its_estimate(monkeypatch: pytest.MonkeyPatch) -> None:
    ProspectFactory.create_batch(6)
    monkeypatch.setattr(EstimatedCountPaginator, "exact_up_to", 4)
    with connection.cursor() as cur:
        cur.execute("ANALYZE prospects_prospect")
    with CaptureQueriesContext(connection) as ctx:
        count = EstimatedCountPaginator(Prospect.objects.all(), 2).count
    assert _full_counts(ctx.captured_queries) == []
    assert any("EXPLAIN" in q["sql"] for q in ctx.captured_queries)
    assert count >= 5  # at least what the bounded count saw; the planner says about 6


def test_sqlite_counts_past_the_cap_exactly(monkeypatch: pytest.MonkeyPatch) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite run checks this")
    ProspectFactory.create_batch(6)
    monkeypatch.setattr(EstimatedCountPaginator, "exact_up_to", 4)
    assert EstimatedCountPaginator(Prospect.objects.all(), 2).count == 6


def test_pytest_never_collects_the_scale_benchmark() -> None:
    """bench/scale.py builds a million rows: it runs under `make bench` only."""
    out = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:django", "bench/"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 5, out.stdout + out.stderr  # 5: no tests collected
    assert (ROOT / "bench" / "scale.py").exists()


def test_the_country_filter_offers_the_values_and_filters_by_one(admin_client: Client) -> None:
    ProspectFactory(name="Casa Azul", country="Portugal")
    ProspectFactory(name="Casa Roja", country="Spain")
    response = admin_client.get("/admin/prospects/prospect/")
    body = response.content.decode()
    assert "?country__exact=Portugal" in body and "?country__exact=Spain" in body
    with CaptureQueriesContext(connection) as ctx:
        response = admin_client.get("/admin/prospects/prospect/", {"country__exact": "Spain"})
    assert [p.name for p in response.context["cl"].result_list] == ["Casa Roja"]
    # The choices come from the cache: no DISTINCT over the whole table on the next page.
    assert not [q for q in ctx.captured_queries if "DISTINCT" in q["sql"]]


@pytest.mark.parametrize(
    ("url", "term"),
    [
        ("/admin/prospects/contact/", "bookings@azul"),
        ("/admin/prospects/contact/", "Rita Mar"),
        ("/admin/prospects/contact/", "casa azul"),  # the prospect's name
        ("/admin/outreach/enrollment/", "BOOKINGS@azul"),
        ("/admin/outreach/enrollment/", "casa azul"),
    ],
)
def test_contact_and_enrollment_search_find_through_each_field(
    admin_client: Client, url: str, term: str
) -> None:
    from tests.factories import EnrollmentFactory

    casa = ProspectFactory(name="Casa Azul")
    contact = ContactFactory(prospect=casa, name="Rita Mar", email="bookings@azulmail.example")
    other = ContactFactory(name="Rui Sol", email="rui@sol.example")
    EnrollmentFactory(contact=contact)
    EnrollmentFactory(contact=other)
    response = admin_client.get(url, {"q": term})
    assert response.status_code == 200
    rows = list(response.context["cl"].result_list)
    assert len(rows) == 1
    assert (rows[0] if url.endswith("contact/") else rows[0].contact) == contact
