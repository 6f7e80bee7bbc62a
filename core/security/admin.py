"""django-axes' login log in the admin, with columns that fit the 1280 px window."""

from __future__ import annotations

from axes.admin import AccessLogAdmin
from axes.models import AccessLog
from django.contrib import admin

from core.admin_display import cut_column, when_column


class LoginLogAdmin(AccessLogAdmin):
    list_display = (  # type: ignore[assignment]
        when_column("attempt_time", "logged in"),
        when_column("logout_time", "logged out"),
        "ip_address",
        cut_column("username", 12),
        cut_column("user_agent", 22, "browser"),
        cut_column("path_info", 12, "path"),
    )


def register() -> None:
    """Replace axes' own registration (made when the admin discovered axes.admin)."""
    if admin.site.is_registered(AccessLog):
        admin.site.unregister(AccessLog)
        admin.site.register(AccessLog, LoginLogAdmin)
