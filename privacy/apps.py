from __future__ import annotations

from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    """GDPR: a prospect's data exported (right of access) or erased (right to erasure).

    Erasure touches every app, so it lives on the roof: it asks each app's services to delete
    its own rows, in one transaction, and keeps only a salted hash of the address
    (``compliance``) so the person is never contacted again.
    """

    name = "privacy"
    verbose_name = "Privacy"
    default_auto_field = "django.db.models.BigAutoField"
