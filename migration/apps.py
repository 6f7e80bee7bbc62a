from __future__ import annotations

from django.apps import AppConfig


class MigrationConfig(AppConfig):
    """The move from the Cloudflare and Vercel editions: legacy import, shadow report, cut-over."""

    name = "migration"
    verbose_name = "Migration from the legacy editions"
    default_auto_field = "django.db.models.BigAutoField"
