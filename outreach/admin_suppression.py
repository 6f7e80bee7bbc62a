"""The suppression list in the admin. A compliance model, registered here: saving one must stop
that address's sequences (``outreach.services.suppress``). An erased person's row holds only
salted hashes: it reads "erased subject (hash …)", and searching by their address finds it."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from compliance.models import Suppression
from compliance.services import suppression_find_q
from core.admin_display import cut, when_column
from outreach import services


@admin.register(Suppression)
class SuppressionAdmin(admin.ModelAdmin):
    list_display = [
        "address", "domain", "reason", "source", "created_by", when_column("created_at", "since"),
    ]  # fmt: skip
    list_filter = ["reason", "source"]
    search_fields = ["email", "domain", "detail"]
    date_hierarchy = "created_at"
    readonly_fields = ["email_hash", "domain_hash"]

    @admin.display(description="address", ordering="email")
    def address(self, obj: Suppression) -> str:
        return cut(obj.email if not obj.is_hashed else str(obj), em=22)

    def has_change_permission(self, request: HttpRequest, obj: Suppression | None = None) -> bool:
        if obj is not None and obj.is_hashed:
            return False  # an erased person's entry: nothing to edit, it only keeps them out
        return super().has_change_permission(request, obj)

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Suppression], search_term: str
    ) -> tuple[QuerySet[Suppression], bool]:
        found, duplicates = super().get_search_results(request, queryset, search_term)
        if "@" in search_term:  # an erased address is found by its hash
            found = found | queryset.filter(suppression_find_q(search_term))
        return found, duplicates

    def save_model(self, request: HttpRequest, obj: Suppression, form: Any, change: bool) -> None:
        if change:
            services.suppression_change(obj)
            return
        row = services.suppress(
            email=obj.email,
            domain=obj.domain,
            reason=obj.reason,
            source=obj.source or "admin",
            detail=obj.detail,
            actor=request.user.get_username(),
        )
        # The admin logs and links the object it passed in: make it the stored row.
        obj.pk = row.pk
        obj.refresh_from_db()
        obj._state.adding = False
