"""The role groups (core.roles) and their model permissions, kept in step with the models.

``sync_role_groups`` runs in the data migration that creates the groups and again after every
``migrate`` (``post_migrate``, also sent by ``flush``), so a model added later gets its
permissions in the right groups without a new migration. It sets each group's permissions
exactly: the groups are the definition of the roles, edits made to them by hand are undone.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.apps import apps as global_apps
from django.conf import settings

from core.roles import ADMIN, OPERATOR, ROLES, VIEWER

# What an operator changes: prospects, contacts, campaigns, steps, enrollments, the email ledger
# and its drafts (approvals), inbound mail and replies, suppressions.
OPERATOR_APPS = {"prospects", "outreach", "compliance"}
OPERATOR_EXTRA = {("jengu", "change_alert")}  # acknowledging an alert
# Viewers and operators may not even look at these (stored passwords).
SECRET_MODELS = {("inboxes", "seedmailbox")}
# Read by every role beside the project's own apps: the task queue pages.
VIEWED_APPS = {"django_q"}


def project_app_labels() -> set[str]:
    """The apps of this repository (not Django's nor a library's): new ones count at once."""
    base = Path(settings.BASE_DIR).resolve()
    labels = set()
    for config in global_apps.get_app_configs():
        path = Path(config.path).resolve()
        if path.is_relative_to(base) and "site-packages" not in path.parts:
            labels.add(config.label)
    return labels


def _wanted(role: str, app_label: str, codename: str, project: set[str]) -> bool:
    if role == ADMIN:
        return True
    action, _, model = codename.partition("_")
    if (app_label, model) in SECRET_MODELS or app_label not in project | VIEWED_APPS:
        return False
    if action == "view":
        return True
    if role == OPERATOR:
        return app_label in OPERATOR_APPS or (app_label, codename) in OPERATOR_EXTRA
    return False


def sync_role_groups(apps: Any = global_apps, **_: Any) -> None:
    """Create the three groups when missing and give each exactly its permissions."""
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    project = project_app_labels()
    everything = list(
        permission_model.objects.values_list("pk", "content_type__app_label", "codename")
    )
    for role in ROLES:
        group, _ = group_model.objects.get_or_create(name=role)
        wanted = [pk for pk, app, code in everything if _wanted(role, app, code, project)]
        group.permissions.set(wanted)


def upgrade_staff(apps: Any = global_apps) -> int:
    """Staff users (not superusers) in no role group become operators, as they were before."""
    user_model = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    group_model = apps.get_model("auth", "Group")
    operator, _ = group_model.objects.get_or_create(name=OPERATOR)
    staff = user_model.objects.filter(is_staff=True, is_superuser=False).exclude(
        groups__name__in=ROLES
    )
    count = 0
    for user in staff:
        user.groups.add(operator)
        count += 1
    return count


def user_set_role(*, user: Any, role: str | None, actor: Any = None) -> bool:
    """Give ``user`` exactly ``role`` (None: no role), leaving other groups alone; audited.
    Idempotent: False when the user already had exactly that role."""
    from django.contrib.auth.models import Group

    from core.services import audit_record

    if role is not None and role not in ROLES:
        raise ValueError(f"unknown role {role!r}: one of {', '.join(ROLES)}")
    had = set(user.groups.filter(name__in=ROLES).values_list("name", flat=True))
    if had == ({role} if role else set()):
        return False
    user.groups.remove(*Group.objects.filter(name__in=had - {role}))
    if role:
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    user.__dict__.pop("_jengu_role", None)  # core.roles caches the role on the instance
    detail = {"user": user.get_username(), "role": role or "", "was": sorted(had)}
    audit_record(action="role_set", actor=actor, obj=user, detail=detail)
    return True


__all__ = ["ADMIN", "OPERATOR", "VIEWER", "sync_role_groups", "upgrade_staff", "user_set_role"]
