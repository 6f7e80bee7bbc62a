"""Unsubscribe tokens in the admin (read-only).

The Suppression admin is registered by ``outreach.admin``: saving a suppression there must
also stop the running sequences of that address, which is outreach's business.
"""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from compliance.models import UnsubscribeToken


@admin.register(UnsubscribeToken)
class UnsubscribeTokenAdmin(admin.ModelAdmin):
    """Who has an unsubscribe link and whether it was used. The token itself is not shown:
    whoever has it can unsubscribe that person."""

    list_display = ["email", "created_at", "used_at"]
    list_filter = [("used_at", admin.EmptyFieldListFilter)]
    search_fields = ["email"]
    ordering = ["-created_at"]
    date_hierarchy = "created_at"
    fields = ("email", "created_at", "used_at")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
