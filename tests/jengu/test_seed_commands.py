"""The seed README's own curl commands keep working against Jengu, byte for byte: a POST with
no body and no Content-Type (initialize-inboxes), and a JSON resume."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from inboxes.models import Inbox
from inboxes.services import inbox_pause
from tests.factories import InboxFactory

pytestmark = pytest.mark.django_db


def test_initialize_inboxes_with_no_body_at_all(api: APIClient) -> None:
    # curl -X POST .../api/admin/initialize-inboxes
    response = api.generic("POST", "/api/admin/initialize-inboxes", b"", content_type="")
    assert response.status_code == 200, response.content
    assert set(response.json()) >= {"created", "updated", "disabled", "unchanged"}


def test_resume_inbox_as_the_seed_troubleshooting_says(api: APIClient) -> None:
    inbox = InboxFactory(key="smtp-1")
    inbox_pause(inbox=inbox, reason="bounce rate")
    response = api.generic(
        "POST",
        "/api/admin/resume-inbox",
        b'{"inboxId": "smtp-1"}',
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json() == {"inboxId": "smtp-1", "status": "active", "changed": True}
    assert Inbox.objects.get(pk=inbox.pk).status == "active"
