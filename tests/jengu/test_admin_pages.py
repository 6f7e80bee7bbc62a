"""Every admin screen renders for an operator (walked from the admin registry, not a list)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone

from compliance.services import unsubscribe_token_for
from core.models import Alert, AuditLog
from core.services import deadletter_create
from outreach.services import suppress
from tests.factories import EnrollmentFactory, InboxFactory

MODELS = sorted(
    (
        m
        for m in admin.site._registry
        if m._meta.app_label
        in {"jengu", "compliance", "prospects", "inboxes", "outreach", "aiengine"}
    ),
    key=lambda m: m._meta.label,
)


@pytest.fixture
def operator(client, django_user_model):
    user = django_user_model.objects.create_superuser("boss", password="pw-boss-123456")
    client.force_login(user)
    EnrollmentFactory()
    InboxFactory()
    suppress(email="gone@hotel.example", reason="manual")
    unsubscribe_token_for("someone@hotel.example")
    deadletter_create(kind="task", error="boom", task_name="console.tasks.weekly_maintenance")
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label)
def test_changelist_and_change_pages_render(operator, model) -> None:
    info = (model._meta.app_label, model._meta.model_name)
    response = operator.get(reverse("admin:{}_{}_changelist".format(*info)))
    assert response.status_code == 200, model._meta.label
    obj = model._default_manager.first()
    if obj is not None:
        page = operator.get(reverse("admin:{}_{}_change".format(*info), args=[obj.pk]))
        assert page.status_code == 200, model._meta.label


@pytest.mark.django_db
def test_the_admin_requires_login(client) -> None:
    response = client.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


@pytest.mark.django_db
def test_unsubscribe_tokens_are_not_shown_in_the_admin(operator) -> None:
    token = unsubscribe_token_for("someone@hotel.example")
    listing = operator.get(reverse("admin:compliance_unsubscribetoken_changelist"))
    assert b"someone@hotel.example" in listing.content and token.encode() not in listing.content


@pytest.mark.django_db
def test_acknowledging_alerts_in_the_admin_goes_through_the_service(
    admin_client: Any, admin_user: Any
) -> None:

    fresh = Alert.objects.create(kind=Alert.Kind.MEETING_REQUEST, title="Casa wants a call")
    seen = Alert.objects.create(kind=Alert.Kind.OTHER, title="old", acknowledged_at=timezone.now())
    response = admin_client.post(
        "/admin/jengu/alert/",
        {"action": "acknowledge", "_selected_action": [fresh.pk, seen.pk]},
        follow=True,
    )
    assert "Acknowledged 1 alert(s)." in response.content.decode()
    fresh.refresh_from_db()
    assert fresh.acknowledged_at is not None
    entry = AuditLog.objects.get(action="alert_acknowledged")
    assert (entry.actor, entry.object_id) == (admin_user, str(fresh.pk))
