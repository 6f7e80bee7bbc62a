from __future__ import annotations

from django.apps import AppConfig


class ComplianceConfig(AppConfig):
    """The suppression list and unsubscribe tokens: below every sender and importer.

    It imports only ``core``. Stopping sequences when an address is suppressed is outreach's
    business (``outreach.services.suppress``), not this app's.
    """

    name = "compliance"
    verbose_name = "Compliance"
    default_auto_field = "django.db.models.BigAutoField"
