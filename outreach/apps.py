from __future__ import annotations

from django.apps import AppConfig


class OutreachConfig(AppConfig):
    name = "outreach"
    verbose_name = "Outreach"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from outreach import replay  # noqa: F401  (registers the send replay handlers)
        from outreach.services.enrolment import enroll_ready
        from outreach.services.suppression import is_suppressed
        from prospects import hooks

        # prospects knows no campaign nor suppression list: it asks through these hooks.
        hooks.block_addresses(is_suppressed)
        hooks.after_daily_run("enrolment", enroll_ready)
