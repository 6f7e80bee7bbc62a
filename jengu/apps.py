from __future__ import annotations

from django.apps import AppConfig


class JenguConfig(AppConfig):
    name = "jengu"
    verbose_name = "Jengu operations"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from jengu.logging import connect_task_signals

        connect_task_signals()  # every process: web, qcluster workers, commands
