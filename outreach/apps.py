from __future__ import annotations

from django.apps import AppConfig


class OutreachConfig(AppConfig):
    name = "outreach"
    verbose_name = "Outreach"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from outreach import replay  # noqa: F401  (registers the send replay handlers)
        from outreach.services.enrolment import enroll_ready
        from prospects import hooks

        # prospects knows no campaign: a daily run ends with outreach's enrolment step.
        hooks.after_daily_run("enrolment", enroll_ready)
