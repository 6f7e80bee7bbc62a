from __future__ import annotations

from django.apps import AppConfig


class AiengineConfig(AppConfig):
    name = "aiengine"
    verbose_name = "AI engine"
    default_auto_field = "django.db.models.BigAutoField"
