"""The prospects admin's parts: the contact inline, the list filter, the prospect page's
fieldsets and its read-only views of structured fields (core.admin_display draws them)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib import admin
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest

from prospects.forms import ContactForm
from prospects.models import Contact

# Django 6 makes https the default scheme of a typed-in URL; say so now (and no warning).
URL_FIELDS: Mapping[type[models.Field], Mapping[str, Any]] = {
    models.URLField: {"assume_scheme": "https"}
}


class ContactInline(admin.TabularInline):
    model = Contact
    form = ContactForm
    formfield_overrides = URL_FIELDS
    extra = 0
    fields = ["name", "title", "email", "verification", "is_role", "is_primary"]
    show_change_link = True


class HasEmailFilter(admin.SimpleListFilter):
    title = "sendable contact"
    parameter_name = "has_email"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [("yes", "Has a verified address"), ("no", "No verified address")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        verified = Contact.objects.filter(verification=Contact.Verification.VALID).values(
            "prospect_id"
        )
        if self.value() == "yes":
            return queryset.filter(pk__in=verified)
        if self.value() == "no":
            return queryset.exclude(pk__in=verified)
        return queryset


PROSPECT_GROUPS = [
    (None, ["name", "city", "country", "timezone", "website", "phone", "property_type",
            "description"]),
    ("Pipeline", ["stage", "tier", "score", "score_table", "tags", "lead_source", "source_url",
                  "notes", "last_contacted_at", "replied_at"]),
    ("Enrichment", ["enriched_at", "enrichment_table", "social_table"]),
    ("Archive", ["archived", "archived_reason", "lost_reason", "merged_into"]),
    ("Dedup keys and history (details)", ["name_key", "city_key", "domain", "legacy_id",
                                          "created_at", "updated_at"]),
]  # fmt: skip
