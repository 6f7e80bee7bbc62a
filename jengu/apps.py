from __future__ import annotations

from django.apps import AppConfig


class JenguConfig(AppConfig):
    name = "jengu"
    verbose_name = "Jengu operations"
    default_auto_field = "django.db.models.BigAutoField"
