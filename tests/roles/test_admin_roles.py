"""Every admin model (walked from ``admin.site._registry``) × every role: changelist, add and
change pages, and every admin action POSTed on a real row. A role that lacks a right gets a
403 (or the login page) and the row stays as it was; the admin role sees what a superuser sees."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django_q.models import OrmQ, Task

from core.models import AuditLog
from core.role_groups import OPERATOR_APPS, project_app_labels
from tests.roles.world import WHO, user_for

MODELS = sorted(admin.site._registry, key=lambda m: m._meta.label)
VISIBLE_APPS = project_app_labels() | {"django_q"}  # what viewers and operators may read
SECRET = {"inboxes.SeedMailbox"}  # stored passwords: admins only, even to look at
ACTIONS = sorted(
    (
        (model, name)
        for model, model_admin in admin.site._registry.items()
        for _func, name, _description in model_admin._get_base_actions()
    ),
    key=lambda pair: (pair[0]._meta.label, pair[1]),
)
# Operators run these; the admin role also runs the ones below. Any other action (one added
# later) is at least refused to viewers, which test_no_role_below_it_runs_an_action checks.
OPERATOR_ACTIONS = {
    "pause", "resume", "run_dns_preflight", "run_placement_test", "stop_sequences",
    "mark_read", "mark_unread", "enrich_now", "rescore", "rerun_dedup", "set_stage",
    "verify_now", "merge", "dismiss", "acknowledge",
}  # fmt: skip
ADMIN_ACTIONS = {"turn_on", "turn_off", "replay", "discard", "override_dns_preflight",
                 "clear_dns_override"}  # fmt: skip


def _url(model: Any, page: str, *args: Any) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{page}", args=args)


def _client(who: str) -> Client:
    client = Client()
    user = user_for(who) if who != "superuser" else _superuser()
    if user is not None:
        client.force_login(user)
    return client


def _superuser() -> Any:
    found = get_user_model().objects.filter(username="root").first()
    return found or get_user_model().objects.create_superuser("root", password=None)


def _visible(model: Any, who: str) -> bool:
    """May ``who`` read this model's admin pages? (The rule, stated apart from the code.)"""
    if who == "admin":
        return True
    return model._meta.app_label in VISIBLE_APPS and model._meta.label not in SECRET


def _snapshot(model: Any, pk: Any) -> tuple[list[dict[str, Any]], int, int, int]:
    """The row as stored (decrypted, so a secret's fresh encryption is no change), the audit
    log and the task queue."""
    return (
        list(model._default_manager.filter(pk=pk).values()),
        AuditLog.objects.count(),
        OrmQ.objects.count(),
        Task.objects.count(),
    )


@pytest.mark.django_db
@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label)
def test_each_role_on_each_admin_model(world: Any, model: Any) -> None:
    row = model._default_manager.first()
    pages = [_url(model, "changelist"), _url(model, "add")]
    if row is not None:
        pages.append(_url(model, "change", row.pk))
    root = {url: _client("superuser").get(url).status_code for url in pages}
    for who in WHO:
        client = _client(who)
        for url in pages:
            status = client.get(url).status_code
            if who in ("anonymous", "norole"):
                assert status == 302, (who, url)
            elif who == "admin":
                assert status == root[url], (who, url)
            elif not _visible(model, who):
                assert status == 403, (who, url)
            elif url.endswith("/add/"):
                writes = who == "operator" and model._meta.app_label in OPERATOR_APPS
                assert status in ((200, 403) if writes else (403,)), (who, url)
            else:
                assert status == 200, (who, url)


@pytest.mark.django_db
@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label)
def test_a_viewer_sees_change_pages_read_only_and_cannot_post(world: Any, model: Any) -> None:
    row = model._default_manager.first()
    if row is None or not _visible(model, "viewer"):
        pytest.skip("no row to look at, or not a viewer's page")
    client = _client("viewer")
    url = _url(model, "change", row.pk)
    page = client.get(url).content.decode()
    assert 'name="_save"' not in page and 'name="_continue"' not in page
    before = _snapshot(model, row.pk)
    assert client.post(url, {}).status_code == 403
    assert client.post(_url(model, "add"), {}).status_code == 403
    assert client.post(_url(model, "delete", row.pk), {"post": "yes"}).status_code == 403
    assert _snapshot(model, row.pk) == before


def _lacks(who: str, model: Any, action: str) -> bool:
    if who in ("anonymous", "norole", "viewer"):
        return True
    if who == "operator":
        if action == "delete_selected":
            return model._meta.app_label not in OPERATOR_APPS
        return action in ADMIN_ACTIONS or not _visible(model, who)
    return False


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("model", "action"), ACTIONS, ids=[f"{m._meta.label}-{a}" for m, a in ACTIONS]
)
def test_no_role_below_it_runs_an_action(world: Any, model: Any, action: str) -> None:
    row = model._default_manager.first()
    if row is None:
        pytest.skip(f"no {model._meta.label} row to run {action} on")
    changelist = _url(model, "changelist")
    data = {"action": action, "_selected_action": [row.pk], "post": "yes", "stage": "ready"}
    option = f'<option value="{action}"'
    root_offers = option in _client("superuser").get(changelist).content.decode()
    for who in WHO:
        client = _client(who)
        if _lacks(who, model, action):
            before = _snapshot(model, row.pk)
            response = client.post(changelist, data)
            # the login page, a 403, "No action selected" (302), or the plain list (200)
            assert response.status_code in (200, 302, 403), (who, action)
            assert _snapshot(model, row.pk) == before, (who, action)
        elif action in OPERATOR_ACTIONS | ADMIN_ACTIONS | {"delete_selected"}:
            offered = option in client.get(changelist).content.decode()
            assert offered == root_offers, (who, action)


def test_every_admin_action_declares_the_permission_it_needs() -> None:
    """Ours in ``@admin.action(permissions=...)``; a library's that declares none is given the
    model's change permission when the admin site is set up (core.admin_site)."""
    for model, model_admin in admin.site._registry.items():
        for func, name, _description in model_admin._get_base_actions():
            assert getattr(func, "allowed_permissions", None), (model._meta.label, name)
