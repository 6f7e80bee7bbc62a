"""The list filters (django-filter FilterSets) filter; their 400s for a present-but-invalid value
are in tests/ops/test_schema.py."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from compliance.services import suppression_add
from core import services
from tests.factories import ProspectFactory

pytestmark = pytest.mark.django_db


def test_boolean_filters_filter(api: APIClient) -> None:
    ProspectFactory(name="Kept Inn")
    ProspectFactory(name="Old Inn", archived=True)
    names = [p["name"] for p in api.get("/api/prospects?archived=YES").json()["results"]]
    assert names == ["Old Inn"]
    names = [p["name"] for p in api.get("/api/prospects?archived=false").json()["results"]]
    assert names == ["Kept Inn"]
    open_one = services.deadletter_create(kind="send", error="boom")
    done = services.deadletter_create(kind="ai", error="bang")
    services.deadletter_discard(letter_id=done.pk, actor=None)
    ids = [d["id"] for d in api.get("/api/admin/dead-letters?resolved=true").json()["results"]]
    assert ids == [done.pk]
    ids = [d["id"] for d in api.get("/api/admin/dead-letters?resolved=0").json()["results"]]
    assert ids == [open_one.pk]
    ids = [d["id"] for d in api.get("/api/admin/dead-letters?kind=ai&page=3").json()["results"]]
    assert ids == [done.pk]  # an unknown parameter (page) is ignored


def test_suppression_filters(api: APIClient) -> None:
    suppression_add(email="a@x.example", reason="bounce")
    suppression_add(domain="y.example", reason="manual")

    def emails(query: str) -> list[tuple[str, str]]:
        rows = api.get(f"/api/suppressions?{query}").json()["results"]
        return sorted((r["email"], r["domain"]) for r in rows)

    assert emails("email=Someone@Y.example") == [("", "y.example")]
    assert emails("email=a@x.example") == [("a@x.example", "")]
    assert emails("domain=Y.EXAMPLE") == [("", "y.example")]
    assert emails("reason=bounce&email=") == [("a@x.example", "")]
