"""API permissions by role (core.roles). DRF checks them in ``initial()``, before a handler
reads the body, so a viewer's bad POST is a 403, never a 400."""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import SAFE_METHODS, BasePermission, IsAuthenticated

from core.roles import ADMIN, OPERATOR, VIEWER, has_role


class _Role(BasePermission):
    read_role = VIEWER
    write_role = OPERATOR

    def has_permission(self, request: Any, view: Any) -> bool:
        needed = self.read_role if request.method in SAFE_METHODS else self.write_role
        return has_role(request.user, needed)


class ViewerReadsOperatorWrites(_Role):
    """GET/HEAD/OPTIONS for viewers and up; every other method for operators and up."""


class OperatorOnly(_Role):
    """Operators and admins, whatever the method (e.g. an endpoint that shows message bodies)."""

    read_role = OPERATOR


class AdminOnly(_Role):
    """Admins only: inboxes and their secrets, settings, emergency stop, users, replays."""

    read_role = ADMIN
    write_role = ADMIN


class ViewerReadsAdminWrites(_Role):
    """GET for viewers and up; changes for admins only."""

    write_role = ADMIN


__all__ = [
    "AdminOnly",
    "IsAuthenticated",
    "OperatorOnly",
    "ViewerReadsAdminWrites",
    "ViewerReadsOperatorWrites",
]
