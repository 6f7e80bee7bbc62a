from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from django.contrib import admin, messages
from django.db import models
from django.db.models import QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.utils.html import format_html

from core.admin_filters import cached_values_filter
from core.admin_search import UnionSearchMixin
from core.errors import JenguError
from core.paging import EstimatedCountPaginator
from core.tasking import enqueue
from prospects import import_admin  # noqa: F401  (registers the import pages)
from prospects.admin_search import IndexedSearchMixin
from prospects.forms import ContactForm, ProspectForm, StageActionForm
from prospects.models import (
    Contact,
    CrawlHost,
    DuplicateHint,
    PipelineRun,
    Prospect,
    ProspectEvent,
)
from prospects.pipeline.daily import ENRICH_TASK, FINDER_TASK
from prospects.services.contacts import contact_save
from prospects.services.create import prospect_save
from prospects.services.dedup import duplicate_dismiss, duplicate_merge
from prospects.services.score import prospect_score
from prospects.services.stages import prospect_set_stage

# Django 6 makes https the default scheme of a typed-in URL; say so now (and no warning).
URL_FIELDS: Mapping[type[models.Field], Mapping[str, Any]] = {
    models.URLField: {"assume_scheme": "https"}
}


def _pretty(value: Any) -> str:
    text = json.dumps(value, indent=2, ensure_ascii=False, default=str)
    return format_html('<pre style="white-space: pre-wrap">{}</pre>', text)


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


@admin.register(Prospect)
class ProspectAdmin(IndexedSearchMixin, admin.ModelAdmin):
    """Edits go through the services: the dedup keys follow the name, city and website;
    score and stage change only by the actions (the console adds the timeline)."""

    form = ProspectForm
    action_form = StageActionForm
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
        cached_values_filter("country"),
        cached_values_filter("lead_source", "lead source"),
    ]
    search_fields = ["name", "city", "domain", "contacts__email", "contacts__name"]
    readonly_fields = [
        "stage",
        "tier",
        "score",
        "name_key",
        "city_key",
        "domain",
        "created_at",
        "updated_at",
        "enriched_at",
        "last_contacted_at",
        "replied_at",
        "score_detail",
        "enrichment_summary",
        "merged_into",
    ]
    exclude = ["enrichment"]
    inlines = [ContactInline]
    actions = ["enrich_now", "rescore", "set_stage"]
    formfield_overrides = URL_FIELDS
    list_per_page = 50  # no date_hierarchy: its DISTINCT DATE_TRUNC reads every row
    show_full_result_count = False  # COUNT(*) on a large table slows every page
    paginator = EstimatedCountPaginator

    def save_model(self, request: HttpRequest, obj: Prospect, form: Any, change: bool) -> None:
        prospect_save(
            prospect=obj, actor=request.user, changed=form.changed_data if change else None
        )

    def save_formset(
        self, request: HttpRequest, form: Any, formset: BaseInlineFormSet, change: bool
    ) -> None:
        if formset.model is not Contact:
            super().save_formset(request, form, formset, change)
            return
        contacts = formset.save(commit=False)
        for contact in formset.deleted_objects:
            contact.delete()
        for contact in contacts:
            contact_save(contact=contact)

    @admin.display(description="last enrichment")
    def enrichment_summary(self, obj: Prospect) -> str:
        return _pretty(obj.enrichment) if obj.enrichment else "-"

    @admin.action(description="Enrich now (read the website again, then verify contacts)")
    def enrich_now(self, request: HttpRequest, queryset: QuerySet[Prospect]) -> None:
        ids = list(queryset.filter(archived=False).values_list("pk", flat=True)[:1000])
        for prospect_id in ids:
            enqueue(ENRICH_TASK, prospect_id)
        self.message_user(request, f"Queued enrichment of {len(ids)} prospect(s).")

    @admin.action(description="Rescore (and move between enriched and ready)")
    def rescore(self, request: HttpRequest, queryset: QuerySet[Prospect]) -> None:
        moved = sum(prospect_score(prospect=p).stage_changed for p in queryset[:1000])
        self.message_user(request, f"Rescored; {moved} prospect(s) changed stage.")

    @admin.action(description="Set stage (choose it beside the action)", permissions=["change"])
    def set_stage(self, request: HttpRequest, queryset: QuerySet[Prospect]) -> None:
        stage = request.POST.get("stage", "")
        if stage not in Prospect.Stage.values:
            self.message_user(request, "Choose the stage to set.", messages.WARNING)
            return
        moved = sum(
            prospect_set_stage(prospect=p, stage=stage, actor=request.user, reason="set by hand")
            for p in queryset[:1000]
        )
        self.message_user(request, f"{moved} prospect(s) moved to {stage}.")


@admin.register(Contact)
class ContactAdmin(UnionSearchMixin, admin.ModelAdmin):
    list_display = ["email", "name", "title", "prospect", "verification", "is_role", "verified_at"]
    list_filter = ["verification", "is_role", "is_primary"]
    search_fields = ["email", "name", "prospect__name"]
    list_select_related = ["prospect"]
    raw_id_fields = ["prospect"]
    readonly_fields = ["evidence", "verified_at"]
    exclude = ["verification_evidence"]
    actions = ["verify_now"]
    formfield_overrides = URL_FIELDS
    form = ContactForm
    show_full_result_count = False
    paginator = EstimatedCountPaginator

    def save_model(self, request: HttpRequest, obj: Contact, form: Any, change: bool) -> None:
        contact_save(contact=obj)

    @admin.display(description="verification evidence")
    def evidence(self, obj: Contact) -> str:
        return _pretty(obj.verification_evidence) if obj.verification_evidence else "-"

    @admin.action(description="Find / verify the address now")
    def verify_now(self, request: HttpRequest, queryset: QuerySet[Contact]) -> None:
        ids = list(queryset.values_list("pk", flat=True)[:1000])
        for contact_id in ids:
            enqueue(FINDER_TASK, contact_id)
        self.message_user(request, f"Queued verification of {len(ids)} contact(s).")


@admin.register(ProspectEvent)
class ProspectEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "prospect", "kind", "message", "actor"]
    list_filter = ["kind"]
    search_fields = ["message", "prospect__name"]
    list_select_related = ["prospect"]
    raw_id_fields = ["prospect"]


@admin.register(DuplicateHint)
class DuplicateHintAdmin(admin.ModelAdmin):
    """Near-duplicates to review: merge keeps the older prospect ("other")."""

    list_display = ["prospect", "prospect_city", "other", "similarity", "status", "created_at"]
    list_filter = ["status"]
    list_select_related = ["prospect", "other"]
    raw_id_fields = ["prospect", "other"]
    search_fields = ["prospect__name", "other__name", "prospect__city"]
    actions = ["merge", "dismiss"]

    @admin.display(description="city")
    def prospect_city(self, obj: DuplicateHint) -> str:
        return obj.prospect.city

    def _apply(self, request: HttpRequest, queryset: QuerySet, fn: Any, verb: str) -> None:
        done, failed = 0, []
        for hint in queryset.order_by("pk"):
            try:
                fn(hint_id=hint.pk, actor=request.user)
                done += 1
            except JenguError as exc:
                failed.append(f"#{hint.pk}: {exc.message}")
        self.message_user(request, f"{verb} {done} pair(s).", messages.SUCCESS)
        for line in failed:
            self.message_user(request, line, messages.WARNING)

    @admin.action(
        description="Merge (move contacts, emails and history into the older one)",
        permissions=["change"],
    )
    def merge(self, request: HttpRequest, queryset: QuerySet[DuplicateHint]) -> None:
        self._apply(request, queryset, duplicate_merge, "Merged")

    @admin.action(description="Dismiss (not the same business)", permissions=["change"])
    def dismiss(self, request: HttpRequest, queryset: QuerySet[DuplicateHint]) -> None:
        self._apply(request, queryset, duplicate_dismiss, "Dismissed")


@admin.register(PipelineRun)
class PipelineRunAdmin(admin.ModelAdmin):
    list_display = [
        "id", "kind", "status", "trigger", "summary", "error_count", "started_at", "finished_at",
    ]  # fmt: skip
    list_filter = ["kind", "status"]
    readonly_fields = [
        "kind", "status", "trigger", "counts_table", "errors_list", "started_at", "finished_at",
    ]  # fmt: skip
    exclude = ["counts", "errors"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.display(description="counts")
    def summary(self, obj: PipelineRun) -> str:
        stages = (k for k, v in obj.counts.items() if isinstance(v, dict))
        parts = []
        for stage in stages:
            counts = obj.counts[stage]
            parts.append(f"{stage}: " + ", ".join(f"{k} {v}" for k, v in counts.items() if v))
        pending = obj.counts.get("pending")
        return "; ".join(parts) + (f"; {pending} task(s) out" if pending else "")

    @admin.display(description="errors")
    def error_count(self, obj: PipelineRun) -> int:
        return len(obj.errors)

    @admin.display(description="counts per stage")
    def counts_table(self, obj: PipelineRun) -> str:
        return _pretty(obj.counts)

    @admin.display(description="errors")
    def errors_list(self, obj: PipelineRun) -> str:
        return _pretty(obj.errors) if obj.errors else "-"


@admin.register(CrawlHost)
class CrawlHostAdmin(admin.ModelAdmin):
    """The crawler's pace per web host, shared by every worker."""

    list_display = ["host", "next_at"]
    search_fields = ["host"]
    readonly_fields = ["host", "next_at"]
