from __future__ import annotations

from rest_framework.permissions import IsAdminUser, IsAuthenticated


class IsStaff(IsAdminUser):
    """/api/admin/*: staff only; a non-staff token gets 403."""


__all__ = ["IsAuthenticated", "IsStaff"]
