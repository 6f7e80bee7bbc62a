from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join

from core import services
from core.admin_display import cut, cut_column, value_table, when_column
from core.errors import JenguError
from core.models import (
    AIUsageDaily,
    Alert,
    AuditLog,
    DeadLetter,
    MaintenanceReport,
    Switch,
)

admin.site.site_header = "Jengu outreach"
admin.site.site_title = "Jengu"
admin.site.index_title = "Operations"
# The home page lists every model; the sidebar's copy of it took a fifth of a 1280 px window.
admin.site.enable_nav_sidebar = False


class OpenFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "open"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [("yes", "Needs a decision"), ("no", "Resolved")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "yes":
            return queryset.filter(resolved_at__isnull=True)
        if self.value() == "no":
            return queryset.filter(resolved_at__isnull=False)
        return queryset


@admin.register(DeadLetter)
class DeadLetterAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "kind",
        "short_error",
        "attempts",
        "object_link",
        when_column("created_at", "at"),
        "resolution",
    ]
    list_filter = [OpenFilter, "kind", "resolution"]
    search_fields = ["error", "task_name", "object_id"]
    readonly_fields = [f.name for f in DeadLetter._meta.fields]
    actions = ["replay", "discard"]
    date_hierarchy = "created_at"

    @admin.display(description="error")
    def short_error(self, obj: DeadLetter) -> str:
        return cut(obj.error, em=26)

    @admin.display(description="object")
    def object_link(self, obj: DeadLetter) -> str:
        return f"{obj.object_type}:{obj.object_id}" if obj.object_id else ""

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None) -> Any:
        from console.dashboard.deadletters import open_groups

        context = {**(extra_context or {}), "groups": open_groups()}
        return super().changelist_view(request, context)

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> Any:
        from console.dashboard.deadletters import letter_view

        letter = self.get_object(request, object_id)
        context = {**(extra_context or {}), "view_letter": letter_view(letter) if letter else None}
        return super().change_view(request, object_id, form_url, context)

    def _confirm(self, request: HttpRequest, queryset: QuerySet, action: str) -> Any:
        """Django's delete_selected pattern: the first POST shows what would happen."""
        from django.template.response import TemplateResponse

        from console.dashboard.deadletters import letter_view

        return TemplateResponse(
            request,
            "admin/jengu/deadletter/confirm_action.html",
            {
                **self.admin_site.each_context(request),
                "title": f"{action.capitalize()} {queryset.count()} dead letter(s)?",
                "action": action,
                "letters": [letter_view(letter) for letter in queryset],
                "opts": self.model._meta,
            },
        )

    def _apply(self, request: HttpRequest, queryset: QuerySet, fn: str) -> Any:
        if request.POST.get("post") != "yes":
            return self._confirm(request, queryset, fn.removeprefix("deadletter_"))
        done, failed = 0, []
        for letter in queryset:
            try:
                getattr(services, fn)(letter_id=letter.pk, actor=request.user)
                done += 1
            except JenguError as exc:
                failed.append(f"#{letter.pk}: {exc.message}")
        self.message_user(request, f"{done} dead letter(s) done.", messages.SUCCESS)
        for line in failed:
            self.message_user(request, line, messages.WARNING)

    @admin.action(description="Replay (re-enqueue) selected", permissions=["change"])
    def replay(self, request: HttpRequest, queryset: QuerySet) -> Any:
        return self._apply(request, queryset, "deadletter_replay")

    @admin.action(description="Discard selected", permissions=["change"])
    def discard(self, request: HttpRequest, queryset: QuerySet) -> Any:
        return self._apply(request, queryset, "deadletter_discard")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(AuditLog)
class AuditLogAdmin(admin.ModelAdmin):
    list_display = [
        when_column("created_at", "at"), "actor_label", "action", "object_type",
        cut_column("object_repr", 30, "object"),
    ]  # fmt: skip
    list_filter = ["action", "object_type", "actor_label"]
    search_fields = ["actor_label", "action", "object_repr", "object_id"]
    readonly_fields = [
        "detail_table" if f.name == "detail" else f.name for f in AuditLog._meta.fields
    ]
    exclude = ["detail"]
    date_hierarchy = "created_at"

    @admin.display(description="detail")
    def detail_table(self, obj: AuditLog) -> str:
        return value_table(obj.detail)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Switch)
class SwitchAdmin(admin.ModelAdmin):
    list_display = ["name", "state", "reason", "changed_by", "changed_at"]
    ordering = ["name"]
    readonly_fields = ["name", "active", "changed_at", "changed_by"]
    actions = ["turn_on", "turn_off"]

    @admin.display(description="state")
    def state(self, obj: Switch) -> str:
        color = "#b00" if obj.active else "#080"
        return format_html('<b style="color:{}">{}</b>', color, "ON" if obj.active else "off")

    @admin.action(description="Turn ON (emergency stop halts all sending)", permissions=["change"])
    def turn_on(self, request: HttpRequest, queryset: QuerySet) -> None:
        for switch in queryset:
            if switch.name == Switch.EMERGENCY_STOP:
                services.emergency_stop_set(active=True, actor=request.user, reason="admin")
        self.message_user(request, "Switched on.", messages.WARNING)

    @admin.action(description="Turn off", permissions=["change"])
    def turn_off(self, request: HttpRequest, queryset: QuerySet) -> None:
        for switch in queryset:
            if switch.name == Switch.EMERGENCY_STOP:
                services.emergency_stop_set(active=False, actor=request.user, reason="admin")
        self.message_user(request, "Switched off.", messages.SUCCESS)


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):
    list_display = [
        when_column("created_at", "at"), "kind", cut_column("title", 30), "delivery", "attempts",
        when_column("acknowledged_at", "acknowledged"),
    ]  # fmt: skip
    list_filter = ["kind", "delivery", ("acknowledged_at", admin.EmptyFieldListFilter)]
    search_fields = ["title", "body"]
    readonly_fields = [
        "kind",
        "title",
        "body",
        "data_table",
        "dedup_key",
        "delivery",
        "attempts",
        "last_error",
        "created_at",
        "delivered_at",
        "acknowledged_at",
    ]
    exclude = ["data"]
    date_hierarchy = "created_at"
    actions = ["acknowledge"]

    @admin.display(description="data")
    def data_table(self, obj: Alert) -> str:
        return value_table(obj.data)

    @admin.action(description="Acknowledge selected alerts", permissions=["change"])
    def acknowledge(self, request: HttpRequest, queryset: QuerySet) -> None:
        ids = list(queryset.values_list("pk", flat=True))
        n = services.alert_acknowledge(alert_ids=ids, actor=request.user)
        self.message_user(request, f"Acknowledged {n} alert(s).", messages.SUCCESS)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written only by the system: operators read them, never edit them."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(MaintenanceReport)
class MaintenanceReportAdmin(ReadOnlyAdmin):
    list_display = [
        when_column("started_at", "started"), "status", "trigger", "outcome",
        when_column("finished_at", "finished"),
    ]  # fmt: skip
    list_filter = ["status", "trigger"]
    readonly_fields = [
        "started_at", "finished_at", "status", "trigger", "steps_table", "errors_table",
    ]  # fmt: skip
    exclude = ["steps", "errors"]
    date_hierarchy = "started_at"

    @admin.display(description="summary")
    def outcome(self, obj: MaintenanceReport) -> str:
        from console.maintenance import summary

        return cut(summary(obj), em=26)

    @admin.display(description="errors")
    def errors_table(self, obj: MaintenanceReport) -> str:
        return value_table(obj.errors)

    @admin.display(description="steps")
    def steps_table(self, obj: MaintenanceReport) -> str:
        rows = format_html_join(
            "",
            "<tr><th>{}</th><td>{}</td></tr>",
            (
                (step, ", ".join(f"{k}: {v}" for k, v in counts.items()))
                for step, counts in (obj.steps or {}).items()
            ),
        )
        return format_html("<table>{}</table>", rows)


@admin.register(AIUsageDaily)
class AIUsageDailyAdmin(ReadOnlyAdmin):
    list_display = ["date", "provider", "model", "purpose", "outcome", "calls", "cost_usd"]
    list_filter = ["provider", "outcome", "purpose"]
    search_fields = ["provider", "model"]
    date_hierarchy = "date"
