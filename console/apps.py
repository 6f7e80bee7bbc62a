from __future__ import annotations

from django.apps import AppConfig


class ConsoleConfig(AppConfig):
    """The roof: the operator's dashboard, forecast, demo and the admin of the ops models."""

    name = "console"
    verbose_name = "Jengu console"
    default_auto_field = "django.db.models.BigAutoField"
