"""The prospect admin: "Erase personal data (GDPR)" (admin role, after a confirmation page) and
the "Export (JSON)" link on the prospect page."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from compliance.models import Suppression
from prospects.models import Prospect
from tests.factories import ContactFactory

pytestmark = pytest.mark.django_db
CHANGELIST = "/admin/prospects/prospect/"


def _action(client: Client, prospect: Prospect, **extra: str) -> Any:
    data = {"action": "erase_personal_data", "_selected_action": [str(prospect.pk)], **extra}
    return client.post(CHANGELIST, data)


def test_an_admin_confirms_then_the_prospect_is_erased(
    admin_client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    contact = ContactFactory(name="Ottilie Brandauer", email="ottilie@brandauer.example")

    asked = _action(admin_client, contact.prospect)
    assert asked.status_code == 200
    page = asked.content.decode()
    assert "Erase the personal data of 1 prospect?" in page and str(contact.prospect) in page
    assert Prospect.objects.filter(pk=contact.prospect_id).exists()  # nothing yet

    with django_capture_on_commit_callbacks(execute=True):
        done = _action(admin_client, contact.prospect, confirm="yes")
    assert done.status_code == 302
    assert not Prospect.objects.filter(pk=contact.prospect_id).exists()
    assert Suppression.objects.get().is_hashed
    listing = admin_client.get(done["Location"]).content.decode()
    assert "1 prospect(s) erased" in listing

    suppressions = admin_client.get("/admin/compliance/suppression/").content.decode()
    assert "erased subject (hash " in suppressions and "ottilie" not in suppressions.lower()
    found = admin_client.get("/admin/compliance/suppression/", {"q": "ottilie@brandauer.example"})
    assert "erased subject (hash " in found.content.decode()
    row = Suppression.objects.get()
    page = admin_client.get(f"/admin/compliance/suppression/{row.pk}/change/").content.decode()
    assert "erased subject (hash " in page and 'name="_save"' not in page  # view only


def test_an_operator_is_not_offered_the_action_and_cannot_force_it(
    client: Client, role_user: Any
) -> None:
    operator = role_user("operator", is_staff=True)
    operator.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="prospects", codename__endswith="prospect"
        )
    )
    client.force_login(operator)
    contact = ContactFactory()

    listing = client.get(CHANGELIST).content.decode()
    assert "erase_personal_data" not in listing
    _action(client, contact.prospect, confirm="yes")
    assert Prospect.objects.filter(pk=contact.prospect_id).exists()


def test_the_prospect_page_links_to_the_json_export(admin_client: Client) -> None:
    contact = ContactFactory()
    page = admin_client.get(f"{CHANGELIST}{contact.prospect_id}/change/").content.decode()
    assert f'href="/api/prospects/{contact.prospect_id}/export"' in page
    assert "Export (JSON)" in page
    exported = admin_client.get(f"/api/prospects/{contact.prospect_id}/export")
    assert exported.status_code == 200 and exported.json()["contacts"][0]["email"] == contact.email
