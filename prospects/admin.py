from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from prospects.models import Contact, DuplicateHint, PipelineRun, Prospect, ProspectEvent


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0
    fields = ["name", "title", "email", "verification", "is_role", "is_primary"]
    show_change_link = True


class HasEmailFilter(admin.SimpleListFilter):
    title = "sendable contact"
    parameter_name = "has_email"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [("yes", "Has a verified address"), ("no", "No verified address")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        verified = Contact.objects.filter(verification="valid").values("prospect_id")
        if self.value() == "yes":
            return queryset.filter(pk__in=verified)
        if self.value() == "no":
            return queryset.exclude(pk__in=verified)
        return queryset


@admin.register(Prospect)
class ProspectAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "city",
        "country",
        "stage",
        "tier",
        "score",
        "lead_source",
        "last_contacted_at",
        "created_at",
    ]
    list_filter = [
        "stage",
        "tier",
        "archived",
        HasEmailFilter,
        "property_type",
        "country",
        "lead_source",
    ]
    search_fields = ["name", "city", "domain", "contacts__email", "contacts__name"]
    readonly_fields = [
        "name_key",
        "city_key",
        "domain",
        "created_at",
        "updated_at",
        "enriched_at",
        "last_contacted_at",
        "replied_at",
        "score_detail",
    ]
    inlines = [ContactInline]
    date_hierarchy = "created_at"
    list_per_page = 50
    show_full_result_count = False  # COUNT(*) on a large table slows every page


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ["email", "name", "title", "prospect", "verification", "is_role"]
    list_filter = ["verification", "is_role", "is_primary"]
    search_fields = ["email", "name", "prospect__name"]
    list_select_related = ["prospect"]
    raw_id_fields = ["prospect"]


@admin.register(ProspectEvent)
class ProspectEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "prospect", "kind", "message", "actor"]
    list_filter = ["kind"]
    search_fields = ["message", "prospect__name"]
    list_select_related = ["prospect"]
    raw_id_fields = ["prospect"]


@admin.register(DuplicateHint)
class DuplicateHintAdmin(admin.ModelAdmin):
    list_display = ["prospect", "other", "similarity", "status", "created_at"]
    list_filter = ["status"]
    list_select_related = ["prospect", "other"]
    raw_id_fields = ["prospect", "other"]


@admin.register(PipelineRun)
class PipelineRunAdmin(admin.ModelAdmin):
    list_display = ["id", "kind", "status", "trigger", "counts", "started_at", "finished_at"]
    list_filter = ["kind", "status"]
    readonly_fields = [f.name for f in PipelineRun._meta.fields]
