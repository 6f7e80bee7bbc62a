"""The role groups: made by the migration, re-synced after every migrate, set by a command."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import CommandError

from core.models import AuditLog
from core.role_groups import sync_role_groups, upgrade_staff
from core.roles import role_of

pytestmark = pytest.mark.django_db


def _perms(role: str) -> set[str]:
    rows = Group.objects.get(name=role).permissions.values_list(
        "content_type__app_label", "codename"
    )
    return {f"{app}.{code}" for app, code in rows}


def test_the_migration_made_the_three_groups_with_their_permissions() -> None:
    viewer, operator, admin = _perms("viewer"), _perms("operator"), _perms("admin")
    assert {"prospects.view_prospect", "inboxes.view_inbox", "jengu.view_deadletter"} <= viewer
    assert all(p.split(".")[1].startswith("view_") for p in viewer)
    assert "inboxes.view_seedmailbox" not in viewer | operator  # stored passwords
    assert not {p for p in viewer | operator if p.startswith(("auth.", "authtoken."))}
    assert viewer < operator < admin
    writes = {
        "prospects.change_prospect", "prospects.add_contact", "outreach.add_campaign",
        "outreach.change_sequencestep", "outreach.change_enrollment", "outreach.change_reply",
        "outreach.change_outboundemail", "compliance.add_suppression", "jengu.change_alert",
    }  # fmt: skip
    assert writes <= operator
    assert not {"inboxes.change_inbox", "jengu.change_switch", "jengu.change_deadletter"} & operator
    assert {"auth.change_user", "auth.add_group", "inboxes.change_inbox"} <= admin
    assert admin == {f"{p.content_type.app_label}.{p.codename}" for p in Permission.objects.all()}


def test_a_model_added_later_gets_its_permissions_at_the_next_sync() -> None:
    kind = ContentType.objects.create(app_label="prospects", model="laterthing")
    for action in ("view", "change"):
        Permission.objects.create(content_type=kind, codename=f"{action}_laterthing", name=action)
    Group.objects.get(name="viewer").permissions.clear()  # drifted by hand
    sync_role_groups()
    sync_role_groups()  # idempotent
    assert "prospects.view_laterthing" in _perms("viewer")
    assert "prospects.change_laterthing" not in _perms("viewer")
    assert "prospects.change_laterthing" in _perms("operator")


@pytest.mark.django_db(transaction=True)
def test_groups_come_back_after_a_flush(django_user_model: Any) -> None:
    django_user_model.objects.create_user("gone")
    call_command("flush", interactive=False, verbosity=0)  # empties auth_group; post_migrate
    assert not django_user_model.objects.exists()
    assert set(Group.objects.values_list("name", flat=True)) >= {"viewer", "operator", "admin"}
    assert "prospects.change_prospect" in _perms("operator")


def test_staff_without_a_role_become_operators(django_user_model: Any) -> None:
    staff = django_user_model.objects.create_user("old-staff", is_staff=True)
    viewer = django_user_model.objects.create_user("old-viewer", is_staff=True)
    viewer.groups.add(Group.objects.get(name="viewer"))
    plain = django_user_model.objects.create_user("plain")
    root = django_user_model.objects.create_superuser("root", password=None)
    assert upgrade_staff() == 1
    assert upgrade_staff() == 0
    fresh = django_user_model.objects.get
    assert role_of(fresh(pk=staff.pk)) == "operator"
    assert role_of(fresh(pk=viewer.pk)) == "viewer"  # a role already given is kept
    assert role_of(fresh(pk=plain.pk)) is None
    assert not root.groups.exists() and role_of(root) == "admin"


def test_set_role_is_idempotent_and_audited(django_user_model: Any) -> None:
    user = django_user_model.objects.create_user("ana")
    out = StringIO()
    call_command("set_role", "ana", "operator", stdout=out)
    call_command("set_role", "ana", "operator", stdout=out)
    assert out.getvalue().splitlines() == ["ana is now operator.", "ana is already operator."]
    assert role_of(django_user_model.objects.get(pk=user.pk)) == "operator"
    call_command("set_role", "ana", "viewer", stdout=out)
    assert list(user.groups.values_list("name", flat=True)) == ["viewer"]
    call_command("set_role", "ana", "none", stdout=out)
    assert role_of(django_user_model.objects.get(pk=user.pk)) is None
    assert AuditLog.objects.filter(action="role_set").count() == 3
    with pytest.raises(CommandError):
        call_command("set_role", "nobody", "viewer")
