"""Roles: ``viewer`` < ``operator`` < ``admin``, from Django group membership alone.

A superuser is an admin. A user in several role groups has the highest of them. ``is_staff``
plays no part in the API; the admin site lets in any active user with a role (see
``core.admin_site``). The groups and their model permissions are created by a data migration.
"""

from __future__ import annotations

from typing import Any

VIEWER, OPERATOR, ADMIN = "viewer", "operator", "admin"
ROLES = (VIEWER, OPERATOR, ADMIN)
_RANK = {VIEWER: 1, OPERATOR: 2, ADMIN: 3}
_CACHE = "_jengu_role"


def role_of(user: Any) -> str | None:
    """The user's role, or None (anonymous, inactive, or in no role group)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    if not getattr(user, "is_active", False):
        return None
    if getattr(user, "is_superuser", False):
        return ADMIN
    cached: str | bool | None = getattr(user, _CACHE, False)
    if cached is not False:
        return cached if isinstance(cached, str) else None
    names = set(user.groups.filter(name__in=ROLES).values_list("name", flat=True))
    role = next((r for r in reversed(ROLES) if r in names), None)
    setattr(user, _CACHE, role)
    return role


def has_role(user: Any, role: str) -> bool:
    """True when the user's role is ``role`` or above it."""
    mine = role_of(user)
    return mine is not None and _RANK[mine] >= _RANK[role]
