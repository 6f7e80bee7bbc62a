from __future__ import annotations

from django.contrib import admin

from aiengine.models import AIUsage
from core.admin_display import cut_column, when_column
from core.models import ProviderState, ProviderWindow


@admin.register(ProviderWindow)
class ProviderWindowAdmin(admin.ModelAdmin):
    list_display = ["provider", "window", "window_start", "requests", "tokens", "cost_usd"]
    list_filter = ["provider", "window"]
    date_hierarchy = "window_start"


@admin.register(ProviderState)
class ProviderStateAdmin(admin.ModelAdmin):
    ordering = ["provider"]
    list_display = [
        "provider",
        "backoff_until",
        "backoff_seconds",
        "last_error_at",
        "last_success_at",
    ]


@admin.register(AIUsage)
class AIUsageAdmin(admin.ModelAdmin):
    list_display = [
        when_column("created_at", "at"),
        "provider",
        cut_column("model", 14),
        "purpose",
        "outcome",
        "tokens_in",
        "tokens_out",
        "cost_usd",
        "latency_ms",
    ]
    list_filter = ["provider", "purpose", "outcome"]
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in AIUsage._meta.fields]
