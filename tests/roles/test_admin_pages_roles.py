"""The admin's own pages (dashboard, ops, approvals), its login, its secrets, the API token's
role and the audit trail, per role."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient

from core.models import AuditLog, DeadLetter
from core.services import emergency_stop_active
from inboxes.models import Inbox
from tests.roles.world import INBOX_PASSWORD, SEED_PASSWORD, token_for, user_for

pytestmark = pytest.mark.django_db


def _client(who: str) -> Client:
    client = Client()
    if (user := user_for(who)) is not None:
        client.force_login(user)
    return client


def _pages() -> list[str]:
    """The custom admin pages mounted beside the ModelAdmins (admin/ops/, admin/approvals/)."""
    found = []
    for entry in get_resolver().url_patterns:
        prefix = str(entry.pattern)
        if isinstance(entry, URLResolver) and prefix in ("admin/ops/", "admin/approvals/"):
            found += [
                prefix + str(p.pattern) for p in entry.url_patterns if isinstance(p, URLPattern)
            ]
    return found


PAGES = _pages()


def _concrete(pattern: str, world: dict[str, Any]) -> str:
    letter = DeadLetter.objects.first()
    path = pattern.replace("inboxes/<int:pk>/<slug:action>/", f"inboxes/{world['inbox'].pk}/pause/")
    path = path.replace(
        "dead-letters/<int:pk>/<slug:action>/", f"dead-letters/{letter.pk}/discard/"
    )
    return "/" + path.replace("<int:pk>", "999999")


def test_the_walk_finds_the_ops_and_approval_pages() -> None:
    assert {"admin/ops/emergency-stop/", "admin/approvals/bulk/"} <= set(PAGES)


@pytest.mark.parametrize("pattern", PAGES)
def test_no_one_without_a_role_gets_in_and_viewers_never_post(world: Any, pattern: str) -> None:
    url = _concrete(pattern, world)
    before = (
        AuditLog.objects.count(),
        list(Inbox.objects.values("status")),
        emergency_stop_active(),
    )
    for who in ("anonymous", "norole"):
        for method in ("get", "post"):
            response = getattr(_client(who), method)(url, {"confirmed": "yes", "active": "on"})
            assert response.status_code == 302, (who, method, url)
            assert response["Location"].startswith("/admin/login/")
    viewer = _client("viewer")
    data = {"confirmed": "yes", "active": "on", "action": "approve", "ids": ["1"]}
    assert viewer.post(url, data).status_code == 403, url
    after = (
        AuditLog.objects.count(),
        list(Inbox.objects.values("status")),
        emergency_stop_active(),
    )
    assert after == before


@pytest.mark.parametrize("who", ["viewer", "operator", "admin"])
def test_every_role_reads_the_dashboard_forecast_and_queue(world: Any, who: str) -> None:
    client = _client(who)
    for url in ("/admin/", "/admin/ops/forecast/", "/admin/approvals/"):
        assert client.get(url).status_code == 200, (who, url)


def test_the_emergency_stop_is_the_admins(world: Any) -> None:
    data = {"active": "on", "confirmed": "yes", "reason": "test"}
    for who in ("viewer", "operator"):
        assert _client(who).get("/admin/ops/emergency-stop/?active=on").status_code == 403
        assert _client(who).post("/admin/ops/emergency-stop/", data).status_code == 403
    assert not emergency_stop_active()
    assert _client("admin").post("/admin/ops/emergency-stop/", data).status_code == 302
    assert emergency_stop_active()
    assert AuditLog.objects.filter(action="emergency_stop_on", actor=user_for("admin")).exists()


def test_dead_letter_decisions_are_the_admins(world: Any) -> None:
    letter = DeadLetter.objects.get()
    url = f"/admin/ops/dead-letters/{letter.pk}/discard/"
    assert _client("operator").get(url).status_code == 403
    assert _client("operator").post(url, {"confirmed": "yes"}).status_code == 403
    assert DeadLetter.objects.get().resolved_at is None
    assert _client("admin").get(url).status_code == 200
    assert _client("admin").post(url, {"confirmed": "yes"}).status_code == 302
    assert DeadLetter.objects.get().resolved_at is not None


def test_an_operator_pauses_an_inbox_from_its_page(world: Any) -> None:
    inbox = world["inbox"]
    url = f"/admin/ops/inboxes/{inbox.pk}/pause/"
    assert _client("operator").post(url, {"reason": "too many bounces"}).status_code == 302
    assert Inbox.objects.get(pk=inbox.pk).status == "paused"
    assert AuditLog.objects.filter(actor=user_for("operator"), object_id=str(inbox.pk)).exists()


@pytest.mark.parametrize("who", ["viewer", "operator"])
def test_no_secret_reaches_a_viewer_or_an_operator(world: Any, who: str) -> None:
    client = _client(who)
    inbox = world["inbox"]
    page = client.get(f"/admin/inboxes/inbox/{inbox.pk}/change/")
    assert page.status_code == 200
    assert INBOX_PASSWORD not in page.content.decode()
    assert (
        'name="password"' not in page.content.decode() and "Password:" not in page.content.decode()
    )
    assert client.get("/admin/inboxes/seedmailbox/").status_code == 403
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token_for(who)}")
    for url in ("/api/status/inboxes", "/api/status/warmup", "/api/schema/"):
        response = api.get(url)
        assert response.status_code == 200
        assert INBOX_PASSWORD not in response.content.decode()
        assert SEED_PASSWORD not in response.content.decode()


def test_even_an_admin_never_sees_a_stored_password(world: Any) -> None:
    page = _client("admin").get(f"/admin/inboxes/inbox/{world['inbox'].pk}/change/")
    assert 'name="password"' in page.content.decode()  # write-only: may be replaced
    assert INBOX_PASSWORD not in page.content.decode()


def test_any_role_signs_in_with_the_stock_login_form(django_user_model: Any) -> None:
    for name, role in (("vera", "viewer"), ("nobody", None)):
        user = django_user_model.objects.create_user(name, password="pw-long-enough-1")
        if role:
            user.groups.add(Group.objects.get(name=role))
    client = Client()
    form = {"username": "nobody", "password": "pw-long-enough-1", "next": "/admin/"}
    response = client.post("/admin/login/", form)
    assert response.status_code == 200 and "errornote" in response.content.decode()
    response = client.post("/admin/login/", {**form, "username": "vera"})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/prospects/prospect/").status_code == 200


def test_a_token_carries_its_users_role(world: Any) -> None:
    viewer, operator = APIClient(), APIClient()
    viewer.credentials(HTTP_AUTHORIZATION=f"Token {token_for('viewer')}")
    operator.credentials(HTTP_AUTHORIZATION=f"Token {token_for('operator')}")
    assert viewer.get("/api/prospects").status_code == 200
    body = {"inboxId": world["inbox"].key, "reason": "checking"}
    assert viewer.post("/api/admin/pause-inbox", body, format="json").status_code == 403
    assert Inbox.objects.get(pk=world["inbox"].pk).status == "active"
    response = operator.post("/api/admin/pause-inbox", body, format="json")
    assert response.status_code == 200 and response.json()["changed"] is True
    entry = AuditLog.objects.filter(object_id=str(world["inbox"].pk)).latest("pk")
    assert entry.actor == user_for("operator")
    assert entry.actor_label == "operator-user"


def test_buttons_show_only_to_a_role_that_may_press_them(world: Any) -> None:
    stop = 'action="/admin/ops/emergency-stop/"'
    pause = 'id="pause-inbox"'
    inbox_page = f"/admin/inboxes/inbox/{world['inbox'].pk}/change/"
    replay = 'data-action="discard"'
    for who, may_stop, may_pause in (
        ("viewer", False, False),
        ("operator", False, True),
        ("admin", True, True),
    ):
        client = _client(who)
        assert (stop in client.get("/admin/").content.decode()) is may_stop, who
        assert (pause in client.get(inbox_page).content.decode()) is may_pause, who
        letters = client.get("/admin/jengu/deadletter/").content.decode()
        assert (replay in letters) is may_stop, who


def test_the_import_page_is_the_operators(world: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from prospects.models import ImportJob

    url = "/admin/prospects/importjob/upload/"
    jobs = ImportJob.objects.count()
    viewer = _client("viewer")
    assert viewer.get(url).status_code == 403
    upload = {"file": SimpleUploadedFile("a.csv", b"name,city\nCasa,Porto\n")}
    assert viewer.post(url, upload).status_code == 403
    assert ImportJob.objects.count() == jobs
    assert "Import prospects" not in viewer.get("/admin/prospects/prospect/").content.decode()
    operator = _client("operator")
    assert operator.get(url).status_code == 200
    assert "Import prospects" in operator.get("/admin/prospects/prospect/").content.decode()
