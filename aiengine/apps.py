from __future__ import annotations

from django.apps import AppConfig


class AiengineConfig(AppConfig):
    name = "aiengine"
    verbose_name = "AI engine"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from aiengine.ratelimit import record_usage, usage_row
        from core.ratelimit import set_recorder

        set_recorder(
            record_usage, usage_row
        )  # every limited call (LLM or vendor) leaves an AIUsage row
