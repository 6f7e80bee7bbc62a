from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from compliance.models import Suppression
from core.admin_filters import cached_values_filter
from core.admin_search import UnionSearchMixin
from core.paging import EstimatedCountPaginator
from outreach import services
from outreach.models import (
    Campaign,
    DomainDay,
    Enrollment,
    InboundMessage,
    OutboundEmail,
    SequenceStep,
    ShadowSend,
)


class StepInline(admin.TabularInline):
    model = SequenceStep
    extra = 0


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["name", "strategy", "status", "is_default", "domain_daily_cap", "created_at"]
    list_filter = ["status", "strategy"]
    search_fields = ["name"]
    inlines = [StepInline]


@admin.register(Enrollment)
class EnrollmentAdmin(UnionSearchMixin, admin.ModelAdmin):
    list_display = [
        "contact",
        "prospect",
        "campaign",
        "status",
        "current_step",
        "inbox",
        "next_send_at",
    ]
    list_filter = ["status", "campaign", "inbox"]
    search_fields = ["contact__email", "prospect__name"]
    list_select_related = ["contact", "prospect", "campaign", "inbox"]
    raw_id_fields = ["contact", "prospect", "inbox"]
    # The sequence's progress is the ledger's to write; the operator stops it with the action.
    readonly_fields = ["status", "stopped_reason", "current_step", "next_send_at", "inbox"]
    actions = ["stop_sequences"]
    show_full_result_count = False
    paginator = EstimatedCountPaginator

    @admin.action(description="Stop selected sequences (unsent emails are cancelled)")
    def stop_sequences(self, request: HttpRequest, queryset: QuerySet) -> None:
        n = services.enrollments_stop(
            ids=queryset.values_list("pk", flat=True),
            reason=f"stopped by {request.user}",
            actor=request.user,
        )
        self.message_user(request, f"Stopped {n} sequence(s).", messages.SUCCESS)


@admin.register(OutboundEmail)
class OutboundEmailAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "recipient",
        "subject",
        "step",
        "status",
        "inbox",
        "send_after",
        "sent_at",
        "attempts",
        "offline",
    ]
    list_filter = [
        "status",
        "inbox",
        cached_values_filter("step"),
        "offline",
        cached_values_filter("ai_provider", "AI provider"),
        "legacy",
    ]
    search_fields = ["recipient", "subject", "message_id", "prospect__name"]
    list_select_related = ["inbox"]
    raw_id_fields = ["enrollment", "prospect", "contact", "inbox"]
    readonly_fields = [
        "status",  # changed only by outreach.transitions (the send ledger's state machine)
        "message_id",
        "in_reply_to",
        "references",
        "claim_token",
        "lease_until",
        "reserved_day",
        "attempts",
        "provider_message_id",
        "last_error",
        "bounce_reason",
        "ai_provider",
        "ai_model",
        "prompt_version",
        "offline",
        "writer_facts",  # the approval queue's: what the writer was told, who decided
        "reviewed_by",
        "reviewed_at",
        "review_note",
        "raw",
        "created_at",
        "updated_at",
        "sent_at",
    ]
    show_full_result_count = False  # and no date_hierarchy: DISTINCT DATE_TRUNC reads every row
    paginator = EstimatedCountPaginator


@admin.register(InboundMessage)
class InboundMessageAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "from_address",
        "subject",
        "kind",
        "intent",
        "match",
        "inbox",
        "prospect",
    ]
    list_filter = ["kind", cached_values_filter("intent"), "match", "inbox"]
    search_fields = ["from_address", "subject", "message_id", "body_text"]
    list_select_related = ["inbox", "prospect"]
    raw_id_fields = ["matched_outbound", "prospect", "contact", "inbox"]
    readonly_fields = [
        "message_id",
        "raw",
        "headers",
        "received_at",
        "classification",
        "bounce_reason",
        "bounce_consequence",
        "bounce_recipient",
        "flags",
        "source_uid",
        "processed_at",
        "error",
        "created_at",
    ]
    show_full_result_count = False  # and no date_hierarchy: DISTINCT DATE_TRUNC reads every row
    paginator = EstimatedCountPaginator


@admin.register(Suppression)
class SuppressionAdmin(admin.ModelAdmin):
    """A compliance model, registered here: saving one must stop that address's sequences."""

    list_display = ["__str__", "reason", "source", "created_by", "created_at"]
    list_filter = ["reason"]
    search_fields = ["email", "domain", "detail"]
    date_hierarchy = "created_at"

    def save_model(
        self, request: HttpRequest, obj: Suppression, form: object, change: bool
    ) -> None:
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


@admin.register(ShadowSend)
class ShadowSendAdmin(admin.ModelAdmin):
    """What the parallel run would have sent (JENGU_SHADOW); read-only evidence."""

    list_display = ["at", "recipient", "step", "from_address", "subject", "inbox"]
    list_filter = ["step", "inbox"]
    search_fields = ["recipient", "subject", "message_id"]
    list_select_related = ["inbox"]
    raw_id_fields = ["email", "inbox"]
    date_hierarchy = "at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(SequenceStep)
class SequenceStepAdmin(admin.ModelAdmin):
    list_display = ["campaign", "number", "delay_days", "strategy", "html"]
    list_filter = ["campaign", "strategy"]
    list_select_related = ["campaign"]


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


from outreach import admin_replies  # noqa: E402, F401  # the "Replies" page (the unified inbox)
