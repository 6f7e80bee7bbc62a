"""The prospects admin's history pages, read only: the timeline's events, the pipeline's runs
and the crawler's pace per host."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from core.admin_display import cut, cut_column, value_table, when_column
from prospects.models import CrawlHost, PipelineRun, ProspectEvent


@admin.register(ProspectEvent)
class ProspectEventAdmin(admin.ModelAdmin):
    """The timeline's rows: history, read here and never edited."""

    list_display = [
        when_column("created_at", "at"), cut_column("prospect__name", 16, "prospect"), "kind",
        cut_column("message", 30), "actor",
    ]  # fmt: skip
    list_filter = ["kind", "actor"]
    search_fields = ["message", "prospect__name"]
    list_select_related = ["prospect"]
    readonly_fields = ["prospect", "kind", "message", "data_table", "actor", "created_at"]
    exclude = ["data"]
    date_hierarchy = "created_at"

    @admin.display(description="data")
    def data_table(self, obj: ProspectEvent) -> str:
        return value_table(obj.data)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(PipelineRun)
class PipelineRunAdmin(admin.ModelAdmin):
    list_display = [
        "id", "kind", "status", "trigger", "summary", "error_count",
        when_column("started_at", "started"), when_column("finished_at", "finished"),
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
        return cut("; ".join(parts) + (f"; {pending} task(s) out" if pending else ""), em=28)

    @admin.display(description="errors")
    def error_count(self, obj: PipelineRun) -> int:
        return len(obj.errors)

    @admin.display(description="counts per stage")
    def counts_table(self, obj: PipelineRun) -> str:
        return value_table(obj.counts)

    @admin.display(description="errors")
    def errors_list(self, obj: PipelineRun) -> str:
        return value_table(obj.errors)


@admin.register(CrawlHost)
class CrawlHostAdmin(admin.ModelAdmin):
    """The crawler's pace per web host, shared by every worker."""

    list_display = ["host", "next_at"]
    ordering = ["host"]
    search_fields = ["host"]
    readonly_fields = ["host", "next_at"]
