"""The admin site by role (core.roles): any active user with a role may sign in, not only staff.

``install()`` (core.apps) swaps the class of ``django.contrib.admin.site``, so ``admin.site`` stays
the one object every app registers on. What each role sees then follows the groups' model
permissions (core.role_groups); custom admin pages wrap themselves with ``role_view``, and admin
actions that need more than a model permission use ``RoleActions``.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.apps import apps
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse

from core.roles import ADMIN, OPERATOR, VIEWER, has_role, role_of


class RoleAuthenticationForm(AdminAuthenticationForm):
    """The stock admin login form, letting in any active user with a role instead of staff."""

    def confirm_login_allowed(self, user: Any) -> None:
        if not user.is_active or role_of(user) is None:
            raise ValidationError(
                self.error_messages["invalid_login"],
                code="invalid_login",
                params={"username": self.username_field.verbose_name},
            )


class RoleAdminSite(admin.AdminSite):
    login_form = RoleAuthenticationForm

    def has_permission(self, request: HttpRequest) -> bool:
        return role_of(request.user) is not None

    def each_context(self, request: HttpRequest) -> dict[str, Any]:
        """Templates show a button only to a role that may press it (``can_operate``,
        ``can_administer``); the views check again."""
        context: dict[str, Any] = super().each_context(request)
        context["role"] = role_of(request.user)
        context["can_operate"] = has_role(request.user, OPERATOR)
        context["can_administer"] = has_role(request.user, ADMIN)
        return context


def install() -> None:
    if not isinstance(admin.site, RoleAdminSite):
        admin.site.__class__ = RoleAdminSite
    for model_admin in admin.site._registry.values():
        guard_library_actions(model_admin)


def guard_library_actions(model_admin: admin.ModelAdmin) -> None:
    """A library's admin action that declares no permission (django-q2's "Resubmit selected
    tasks") needs the model's change permission, so a viewer cannot run it. Ours all declare."""
    for func, _name, _description in model_admin._get_base_actions():  # type: ignore[attr-defined]
        library = func.__module__.partition(".")[0] not in project_packages()
        if library and not hasattr(func, "allowed_permissions"):
            func.allowed_permissions = ("change",)


def project_packages() -> set[str]:
    from core.role_groups import project_app_labels

    return {config.name.partition(".")[0] for config in apps.get_app_configs()
            if config.label in project_app_labels()}  # fmt: skip


def role_view(
    view: Callable[..., HttpResponse], *, read: str = VIEWER, write: str = OPERATOR
) -> Callable[..., HttpResponse]:
    """An admin page: signed in with a role (else the login page), ``read`` to GET it and
    ``write`` to POST to it, checked before the view reads the form (403 otherwise)."""

    @wraps(view)
    def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        needed = read if request.method in ("GET", "HEAD", "OPTIONS") else write
        if not has_role(request.user, needed):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return admin.site.admin_view(checked)


class RoleActions:
    """ModelAdmin mixin: ``@admin.action(permissions=["operator"])`` or ``["admin"]``."""

    def has_operator_permission(self, request: HttpRequest) -> bool:
        return has_role(request.user, OPERATOR)

    def has_admin_permission(self, request: HttpRequest) -> bool:
        return has_role(request.user, ADMIN)


__all__ = ["ADMIN", "OPERATOR", "VIEWER", "RoleActions", "RoleAdminSite", "role_view"]
