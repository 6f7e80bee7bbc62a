"""The schedules (django-q2 ``Schedule`` rows). Cron strings are UTC.

The first four are the Cloudflare edition's CRON triggers; the rest are what the pipeline needs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from croniter import croniter
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_q.models import Schedule


@dataclass(frozen=True)
class Spec:
    name: str
    func: str
    cron: str
    description: str


def specs() -> list[Spec]:
    return [
        Spec(
            "Email sending",
            "outreach.tasks.send_due",
            settings.JENGU["SEND_CRON"],
            "Send pass: due emails, inside each recipient's business hours",
        ),
        Spec(
            "Daily pipeline",
            "prospects.tasks.daily_pipeline",
            "0 7 * * *",
            "Sourcing, enrichment, email finding, scoring, enrolment, drafting",
        ),
        Spec(
            "Check replies",
            "inboxes.tasks.check_replies",
            "*/1 * * * *",
            "Read every inbox that has a reader; classify replies and bounces",
        ),
        Spec(
            "Weekly maintenance",
            "jengu.tasks.weekly_maintenance",
            "0 6 * * 0",
            "Archive idle prospects, prune task results, roll up usage, ANALYZE",
        ),
        Spec(
            "Reconcile expired sends",
            "outreach.tasks.reconcile_expired",
            "*/5 * * * *",
            "Emails whose sender died mid-send: look for them in Sent, else ask the operator",
        ),
    ]


def _next_run(cron: str, now: datetime) -> datetime:
    return croniter(cron, now).get_next(datetime)


def setup_schedules() -> dict[str, list[str]]:
    """Create or update each schedule by name. Running it twice changes nothing."""
    now = timezone.now()
    report: dict[str, list[str]] = {"created": [], "updated": [], "unchanged": []}
    with transaction.atomic():
        for spec in specs():
            row = Schedule.objects.filter(name=spec.name).first()
            if row is None:
                Schedule.objects.create(
                    name=spec.name,
                    func=spec.func,
                    cron=spec.cron,
                    schedule_type=Schedule.CRON,
                    repeats=-1,
                    next_run=_next_run(spec.cron, now),
                )
                report["created"].append(spec.name)
            elif (row.func, row.cron, row.schedule_type) != (spec.func, spec.cron, Schedule.CRON):
                row.func, row.cron, row.schedule_type = spec.func, spec.cron, Schedule.CRON
                row.next_run, row.repeats = _next_run(spec.cron, now), -1
                row.save()
                report["updated"].append(spec.name)
            else:
                report["unchanged"].append(spec.name)
    return report
