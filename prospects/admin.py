from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest

from core.admin_display import (
    cut,
    cut_column,
    grouped,
    presence_filter,
    value_table,
    when_column,
)
from core.admin_filters import cached_values_filter
from core.admin_search import UnionSearchMixin
from core.errors import JenguError
from core.paging import EstimatedCountPaginator
from core.tasking import enqueue
from prospects import admin_history, import_admin  # noqa: F401  (register their pages)
from prospects.admin_parts import (
    PROSPECT_GROUPS,
    URL_FIELDS,
    ContactInline,
    HasEmailFilter,
)
from prospects.admin_search import IndexedSearchMixin
from prospects.forms import ContactForm, ProspectForm, StageActionForm
from prospects.models import (
    Contact,
    DuplicateHint,
    Prospect,
)
from prospects.pipeline.daily import ENRICH_TASK, FINDER_TASK
from prospects.services.contacts import contact_save
from prospects.services.create import prospect_save
from prospects.services.dedup import duplicate_dismiss, duplicate_merge, hints_for_prospects
from prospects.services.score import prospect_score
from prospects.services.stages import prospect_set_stage


@admin.register(Prospect)
class ProspectAdmin(IndexedSearchMixin, admin.ModelAdmin):
    """Edits go through the services: the dedup keys follow the name, city and website;
    score and stage change only by the actions (the console adds the timeline)."""

    form = ProspectForm
    action_form = StageActionForm
    list_display = [
        cut_column("name", 16),
        cut_column("city", 9),
        cut_column("country", 8),
        "stage",
        "tier",
        "score",
        cut_column("lead_source", 9, "source"),
        when_column("last_contacted_at", "last contact"),
        when_column("created_at", "created"),
    ]
    list_filter = [
        "stage",
        "tier",
        "archived",
        HasEmailFilter,
        presence_filter("replied_at", "replied?", "Replied", "No reply yet"),
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
        "score_table",
        "enrichment_table",
        "social_table",
        "merged_into",
    ]
    exclude = ["enrichment", "score_detail", "social"]  # shown as tables; the services write them
    inlines = [ContactInline]
    actions = ["enrich_now", "rescore", "rerun_dedup", "set_stage"]
    formfield_overrides = URL_FIELDS
    list_per_page = 50  # no date_hierarchy: its DISTINCT DATE_TRUNC reads every row
    show_full_result_count = False  # COUNT(*) on a large table slows every page
    paginator = EstimatedCountPaginator

    def get_fieldsets(self, request: HttpRequest, obj: Prospect | None = None) -> Any:
        return grouped(PROSPECT_GROUPS, self.get_fields(request, obj))

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
    def enrichment_table(self, obj: Prospect) -> str:
        return value_table(obj.enrichment)

    @admin.display(description="score detail")
    def score_table(self, obj: Prospect) -> str:
        return value_table(obj.score_detail)

    @admin.display(description="social")
    def social_table(self, obj: Prospect) -> str:
        return value_table(obj.social)

    @admin.action(
        description="Enrich now (read the website again, then verify contacts)",
        permissions=["change"],
    )
    def enrich_now(self, request: HttpRequest, queryset: QuerySet[Prospect]) -> None:
        ids = list(queryset.filter(archived=False).values_list("pk", flat=True)[:1000])
        for prospect_id in ids:
            enqueue(ENRICH_TASK, prospect_id)
        self.message_user(request, f"Queued enrichment of {len(ids)} prospect(s).")

    @admin.action(
        description="Recompute score (and move between enriched and ready)", permissions=["change"]
    )
    def rescore(self, request: HttpRequest, queryset: QuerySet[Prospect]) -> None:
        moved = sum(prospect_score(prospect=p).stage_changed for p in queryset[:1000])
        self.message_user(request, f"Rescored; {moved} prospect(s) changed stage.")

    @admin.action(
        description="Re-run dedup (look for near-duplicates again)", permissions=["change"]
    )
    def rerun_dedup(self, request: HttpRequest, queryset: QuerySet[Prospect]) -> None:
        found = hints_for_prospects(queryset.values_list("pk", flat=True)[:1000])
        self.message_user(request, f"Dedup re-run: {found} near-duplicate pair(s) found.")

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
    list_display = [
        "address", cut_column("name", 10), "job_title", "prospect_name", "verification",
        when_column("verified_at", "checked"), "is_role",
    ]  # fmt: skip
    list_filter = [
        "verification", presence_filter("email", "address?", "Has an address", "No address"),
        "is_role", "is_primary",
    ]  # fmt: skip
    ordering = ["-created_at", "-id"]
    search_fields = ["email", "name", "prospect__name"]
    list_select_related = ["prospect"]
    raw_id_fields = ["prospect"]
    readonly_fields = ["evidence", "soft_bounce_dates", "verified_at"]
    exclude = ["verification_evidence", "soft_bounces"]  # the verifier's and the ledger's
    actions = ["verify_now"]
    formfield_overrides = URL_FIELDS
    form = ContactForm
    show_full_result_count = False
    paginator = EstimatedCountPaginator

    def save_model(self, request: HttpRequest, obj: Contact, form: Any, change: bool) -> None:
        contact_save(contact=obj)

    @admin.display(description="email", ordering="email")
    def address(self, obj: Contact) -> str:
        return cut(obj.email or "(no address)", em=15)

    @admin.display(description="title", ordering="title")
    def job_title(self, obj: Contact) -> str:
        return cut(obj.title, em=9)

    @admin.display(description="prospect", ordering="prospect__name")
    def prospect_name(self, obj: Contact) -> str:
        return cut(obj.prospect.name, em=11)

    @admin.display(description="verification evidence")
    def evidence(self, obj: Contact) -> str:
        return value_table(obj.verification_evidence)

    @admin.display(description="soft bounces")
    def soft_bounce_dates(self, obj: Contact) -> str:
        return value_table(obj.soft_bounces)

    @admin.action(description="Find / verify the address now", permissions=["change"])
    def verify_now(self, request: HttpRequest, queryset: QuerySet[Contact]) -> None:
        ids = list(queryset.values_list("pk", flat=True)[:1000])
        for contact_id in ids:
            enqueue(FINDER_TASK, contact_id)
        self.message_user(request, f"Queued verification of {len(ids)} contact(s).")


@admin.register(DuplicateHint)
class DuplicateHintAdmin(admin.ModelAdmin):
    """Near-duplicates to review: merge keeps the older prospect ("other")."""

    list_display = [
        "prospect_name",
        "prospect_city",
        "other_name",
        "similarity",
        "status",
        when_column("created_at", "found"),
    ]
    list_filter = ["status"]
    ordering = ["-similarity", "-id"]  # the likeliest duplicates first
    list_select_related = ["prospect", "other"]
    raw_id_fields = ["prospect", "other"]
    search_fields = ["prospect__name", "other__name", "prospect__city"]
    actions = ["merge", "dismiss"]

    @admin.display(description="prospect", ordering="prospect__name")
    def prospect_name(self, obj: DuplicateHint) -> str:
        return cut(obj.prospect.name, em=16)

    @admin.display(description="city", ordering="prospect__city")
    def prospect_city(self, obj: DuplicateHint) -> str:
        return cut(obj.prospect.city, em=10)

    @admin.display(description="same as (kept on merge)", ordering="other__name")
    def other_name(self, obj: DuplicateHint) -> str:
        return cut(obj.other.name, em=16)

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
