from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html

from core.admin_display import cut, cut_column, grouped, value_table, when, when_column
from core.admin_filters import cached_values_filter
from core.admin_search import UnionSearchMixin
from core.paging import EstimatedCountPaginator
from outreach import services
from outreach.admin_tracking import EmailTrackingAdmin
from outreach.models import (
    Enrollment,
    InboundMessage,
    OutboundEmail,
    SequenceStep,
    ShadowSend,
)


@admin.register(Enrollment)
class EnrollmentAdmin(UnionSearchMixin, admin.ModelAdmin):
    list_display = [
        cut_column("contact__email", 15, "contact"),
        cut_column("prospect__name", 14, "prospect"),
        cut_column("campaign__name", 11, "campaign"),
        "status",
        "current_step",
        cut_column("inbox__key", 10, "inbox"),
        when_column("next_send_at", "next send"),
    ]
    list_filter = ["status", "campaign", cached_values_filter("current_step"), "inbox"]
    search_fields = ["contact__email", "prospect__name"]
    list_select_related = ["contact", "prospect", "campaign", "inbox"]
    raw_id_fields = ["contact", "prospect", "inbox"]
    # The sequence's progress is the ledger's to write; the operator stops it with the action.
    # The A/B variant is fixed at enrolment: changing it would mix the test's arms.
    readonly_fields = [
        "status",
        "stopped_reason",
        "current_step",
        "next_send_at",
        "inbox",
        "variant",
    ]
    actions = ["stop_sequences"]
    show_full_result_count = False
    paginator = EstimatedCountPaginator

    @admin.action(
        description="Stop selected sequences (unsent emails are cancelled)", permissions=["change"]
    )
    def stop_sequences(self, request: HttpRequest, queryset: QuerySet) -> None:
        ids, reason = queryset.values_list("pk", flat=True), f"stopped by {request.user}"
        n = services.enrollments_stop(ids=ids, reason=reason, actor=request.user)
        self.message_user(request, f"Stopped {n} sequence(s).", messages.SUCCESS)


@admin.register(OutboundEmail)
class OutboundEmailAdmin(EmailTrackingAdmin, UnionSearchMixin, admin.ModelAdmin):
    list_display = [
        "id",
        cut_column("recipient", 12),
        "subject_line",
        "step",
        "status",
        "inbox_key",
        "sent_or_due",
        "attempts",
    ]
    list_filter = [
        "status",
        "inbox",
        cached_values_filter("step"),
        "offline",
        cached_values_filter("ai_provider", "AI provider"),
        "legacy",
    ]
    search_fields = ["recipient", "subject", "=message_id", "prospect__name"]
    list_select_related = ["inbox"]
    raw_id_fields = ["enrollment", "prospect", "contact", "inbox"]
    readonly_fields = [
        "status",  # changed only by outreach.transitions (the send ledger's state machine)
        "variant",
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
    field_groups = [
        (None, ["recipient", "from_address", "subject", "body_text", "body_html"]),
        ("Sequence", ["enrollment", "step", "prospect", "contact", "inbox", "strategy",
                      "variant"]),
        ("Sending", ["status", "send_after", "sent_at", "attempts", "reserved_day",
                     "last_error", "bounce_reason"]),
        ("Writer", ["ai_provider", "ai_model", "prompt_version", "offline", "legacy"]),
        ("Ledger (details)", ["message_id", "in_reply_to", "references", "provider_message_id",
                              "claim_token", "lease_until", "raw", "created_at", "updated_at"]),
    ]  # fmt: skip

    def get_fieldsets(self, request: HttpRequest, obj: OutboundEmail | None = None) -> Any:
        return grouped(self.field_groups, self.get_fields(request, obj))

    @admin.display(description="subject", ordering="subject")
    def subject_line(self, obj: OutboundEmail) -> str:
        return cut(obj.subject, em=20)

    @admin.display(description="sent / due", ordering="send_after")
    def sent_or_due(self, obj: OutboundEmail) -> str:
        if obj.sent_at:
            return format_html("sent {}", when(obj.sent_at))
        return format_html("due {}", when(obj.send_after))

    @admin.display(description="inbox", ordering="inbox__key")
    def inbox_key(self, obj: OutboundEmail) -> str:
        return cut(obj.inbox.key, em=9) if obj.inbox else "-"


@admin.register(InboundMessage)
class InboundMessageAdmin(UnionSearchMixin, admin.ModelAdmin):
    list_display = [
        when_column("created_at", "received"),
        cut_column("from_address", 12, "from"),
        "subject_line",
        "kind",
        "intent",
        "inbox_key",
        "prospect_name",
    ]
    list_filter = ["kind", cached_values_filter("intent"), "match", "inbox"]
    search_fields = ["from_address", "subject", "=message_id", "body_text"]
    fallback_search_fields = ("body_text",)  # no trigram index: read only when nothing else matches
    list_select_related = ["inbox", "prospect"]
    raw_id_fields = ["matched_outbound", "prospect", "contact", "inbox"]
    readonly_fields = [
        "message_id",
        "raw",
        "headers_table",
        "received_at",
        "classification_table",
        "bounce_reason",
        "bounce_consequence",
        "bounce_recipient",
        "flag_list",
        "source_uid",
        "processed_at",
        "error",
        "created_at",
    ]
    exclude = ["headers", "classification", "flags"]
    show_full_result_count = False  # and no date_hierarchy: DISTINCT DATE_TRUNC reads every row
    paginator = EstimatedCountPaginator
    field_groups = [
        (None, ["inbox", "from_address", "to_address", "subject", "body_text", "received_at"]),
        ("Classification", ["kind", "intent", "confidence", "classification_table"]),
        ("Matched to", ["match", "matched_outbound", "prospect", "contact"]),
        ("Bounce", ["bounce_reason", "bounce_consequence", "bounce_recipient"]),
        ("Source (details)", ["message_id", "source_uid", "raw", "headers_table", "flag_list",
                              "processed_at", "error", "created_at"]),
    ]  # fmt: skip

    def get_fieldsets(self, request: HttpRequest, obj: InboundMessage | None = None) -> Any:
        return grouped(self.field_groups, self.get_fields(request, obj))

    @admin.display(description="headers")
    def headers_table(self, obj: InboundMessage) -> str:
        return value_table(obj.headers)

    @admin.display(description="classification")
    def classification_table(self, obj: InboundMessage) -> str:
        return value_table(obj.classification)

    @admin.display(description="flags")
    def flag_list(self, obj: InboundMessage) -> str:
        return value_table(obj.flags)

    @admin.display(description="subject", ordering="subject")
    def subject_line(self, obj: InboundMessage) -> str:
        return cut(obj.subject, em=16)

    @admin.display(description="inbox", ordering="inbox__key")
    def inbox_key(self, obj: InboundMessage) -> str:
        return cut(obj.inbox.key, em=9) if obj.inbox else "-"

    @admin.display(description="prospect", ordering="prospect__name")
    def prospect_name(self, obj: InboundMessage) -> str:
        return cut(obj.prospect.name, em=11) if obj.prospect else "-"


@admin.register(ShadowSend)
class ShadowSendAdmin(admin.ModelAdmin):
    """What the parallel run would have sent (JENGU_SHADOW); read-only evidence."""

    list_display = [
        when_column("at"), cut_column("recipient", 16), "step", cut_column("from_address", 16),
        cut_column("subject", 20), cut_column("inbox__key", 10, "inbox"),
    ]  # fmt: skip
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


# Registered on import: campaigns (with A/B variants), per-domain/provider counters
# (read-only), the "Replies" page, the suppression list.
from outreach import admin_campaigns, admin_caps, admin_replies, admin_suppression  # noqa: E402, F401
