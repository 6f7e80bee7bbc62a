"""``GET /api/prospects/{id}/export`` (operators) and ``POST /api/prospects/{id}/erase``
(admins): roles, 404 for an unknown id, the export's content."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.utils import timezone

from prospects.models import Prospect
from tests.conftest import _token_client
from tests.factories import ContactFactory
from tests.privacy.world import ADDRESS, HOTEL, build

pytestmark = pytest.mark.django_db


def test_an_operator_may_export_but_not_erase(role_user: Any) -> None:
    contact = ContactFactory()
    operator = _token_client(role_user("operator"))

    assert operator.get(f"/api/prospects/{contact.prospect_id}/export").status_code == 200
    refused = operator.post(f"/api/prospects/{contact.prospect_id}/erase")
    assert refused.status_code == 403
    assert Prospect.objects.filter(pk=contact.prospect_id).exists()


def test_a_viewer_may_not_export(role_user: Any) -> None:
    contact = ContactFactory()
    viewer = _token_client(role_user("viewer"))
    assert viewer.get(f"/api/prospects/{contact.prospect_id}/export").status_code == 403


def test_unknown_ids_are_404(role_user: Any) -> None:
    admin = _token_client(role_user("admin"))
    for response in (admin.get("/api/prospects/999999/export"),
                     admin.post("/api/prospects/999999/erase")):  # fmt: skip
        assert response.status_code == 404
        assert response.json()["code"] == "prospect_not_found"


def test_anonymous_is_refused(client: Any) -> None:
    contact = ContactFactory()
    assert client.get(f"/api/prospects/{contact.prospect_id}/export").status_code in (401, 403)


def test_the_export_holds_everything_about_the_prospect(settings: Any, role_user: Any) -> None:
    world = build(settings, timezone.now())
    operator = _token_client(role_user("operator"))

    response = operator.get(f"/api/prospects/{world.prospect.pk}/export/")

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    body = json.loads(response.content)
    assert body["prospect"]["name"] == HOTEL
    assert [c["email"] for c in body["contacts"]] == [ADDRESS]
    assert body["contacts"][0]["suppression"]["scope"] == "address"
    assert len(body["enrollments"]) == 1
    [sent] = body["outbound_emails"]
    assert sent["recipient"] == ADDRESS and sent["body_text"] and sent["subject"]
    [reply] = body["inbound_messages"]
    assert "let's meet" in reply["body_text"]
    assert {e["kind"] for e in body["events"]} >= {"created"}
    assert any(a["action"] == "prospect_edited" for a in body["audit"])
