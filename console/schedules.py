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
    at_start: bool = False  # first run as soon as the cluster starts, then by the cron


DEMO_PREFIX = "Demo: "


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
            "outreach.tasks.check_replies",
            "*/1 * * * *",
            "Read every inbox that has a reader; classify replies and bounces",
        ),
        Spec(
            "Weekly maintenance",
            "console.tasks.weekly_maintenance",
            "0 6 * * 0",
            "Archive idle prospects, prune task results, roll up usage, ANALYZE",
        ),
        Spec(
            "Draft ahead",
            "outreach.tasks.draft_ahead",
            "30 6 * * *",
            "Write tomorrow's emails before the send window, so a send never waits on an LLM",
        ),
        Spec(
            "Reconcile expired sends",
            "outreach.tasks.reconcile_expired",
            "*/5 * * * *",
            "Emails whose sender died mid-send: look for them in Sent, else ask the operator",
        ),
        Spec(
            "DNS preflight",
            "inboxes.tasks.dns_preflight",
            "15 5 * * *",
            "MX, SPF, DKIM, DMARC and reverse DNS of every inbox's domain (JENGU_DNS_PREFLIGHT)",
        ),
        Spec(
            "A/B auto-winner",
            "outreach.tasks.ab_auto_winner",
            "20 * * * *",
            "Campaigns with the auto-winner on stop assigning their significantly worse variants",
        ),
        Spec(
            "Raw mail retention",
            "outreach.tasks.purge_raw_mail",
            "45 4 * * *",
            "Delete stored raw inbound mail older than JENGU_RAW_MAIL_RETENTION_DAYS",
        ),
        Spec(
            "Refresh snapshots",
            "console.tasks.refresh_snapshots",
            "* * * * *",
            "The dashboard's funnel and the default forecast, read by pages (JENGU_SNAPSHOT_SECONDS)",
            at_start=True,
        ),
    ]


def demo_specs() -> list[Spec]:
    """The demo's compressed clock (``make run``): created by ``bootstrap --demo`` only, beside
    the real schedules; their tasks do nothing unless JENGU_DEMO is on. docs/demo.md."""
    return [
        Spec(
            f"{DEMO_PREFIX}send pass",
            "console.demo.send_pass",
            "* * * * *",
            "Demo: a send pass every minute; demo campaign delays count in minutes",
        ),
        Spec(
            f"{DEMO_PREFIX}replies",
            "console.demo_responder.respond",
            "* * * * *",
            "Demo: the demo hotels answer what was sent to them",
        ),
        Spec(
            f"{DEMO_PREFIX}pipeline",
            "console.demo.pipeline",
            "*/30 * * * *",
            "Demo: the daily pipeline right after start, then every 30 minutes",
            at_start=True,
        ),
    ]


def _next_run(cron: str, now: datetime) -> datetime:
    return croniter(cron, now).get_next(datetime)


def _upsert(spec: Spec, now: datetime) -> str:
    """Create or update one schedule by name; returns what happened."""
    row = Schedule.objects.filter(name=spec.name).first()
    if row is None:
        row = Schedule.objects.create(
            name=spec.name,
            func=spec.func,
            cron=spec.cron,
            schedule_type=Schedule.CRON,
            repeats=-1,
            next_run=_next_run(spec.cron, now),
        )
        outcome = "created"
    elif (row.func, row.cron, row.schedule_type) != (spec.func, spec.cron, Schedule.CRON):
        row.func, row.cron, row.schedule_type = spec.func, spec.cron, Schedule.CRON
        row.next_run, row.repeats = _next_run(spec.cron, now), -1
        row.save()
        outcome = "updated"
    else:
        outcome = "unchanged"
    if spec.at_start:
        # update(), not save(): Schedule.save() moves a new cron row to its next cron time.
        Schedule.objects.filter(pk=row.pk).update(next_run=now)
    return outcome


def setup_schedules(*, demo: bool | None = None) -> dict[str, list[str]]:
    """Create or update each schedule by name. Running it twice changes nothing.

    ``demo`` (default: JENGU_DEMO) adds the demo schedules, reported under "demo"; without it
    they are removed, reported under "removed".
    """
    demo = settings.JENGU["DEMO"] if demo is None else demo
    now = timezone.now()
    report: dict[str, list[str]] = {"created": [], "updated": [], "unchanged": []}
    with transaction.atomic():
        for spec in specs():
            report[_upsert(spec, now)].append(spec.name)
        if demo:
            report["demo"] = [f"{s.name}: {_upsert(s, now)}" for s in demo_specs()]
        else:
            stale = Schedule.objects.filter(name__startswith=DEMO_PREFIX)
            report["removed"] = list(stale.values_list("name", flat=True))
            stale.delete()
    return report
