"""The per-domain and per-provider daily send counters, read-only (the claim writes them)."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from outreach.models import DomainDay


@admin.register(DomainDay)
class DomainDayAdmin(admin.ModelAdmin):
    """Today's per-domain and per-provider send counters (the claim writes them); read-only."""

    list_display = ["day", "kind", "key", "reserved", "sent"]
    list_filter = ["kind", "day"]
    search_fields = ["key"]
    date_hierarchy = "day"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
