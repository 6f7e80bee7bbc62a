"""Weekly maintenance (``0 6 * * 0``, task ``console.tasks.weekly_maintenance``).

Steps, each independent (one failing is recorded and the others still run):

- archive prospects contacted more than 30 days ago that never replied and are in no running
  sequence: stage ``lost``, ``archived``, with the reason and a timeline event;
- prune django-q2 task results: successes after 30 days, failures after 90;
- roll AI usage rows older than 90 days up into one row per day, provider, model, purpose and
  outcome (``AIUsageDaily``);
- recompute every inbox's bounce and complaint rates;
- refresh the query planner's statistics (``ANALYZE`` on PostgreSQL, ``PRAGMA optimize`` on
  SQLite).

Email history (ledger rows, inbound messages, raw files) and suppression evidence are never
deleted. Each run leaves a ``MaintenanceReport``, shown in the admin.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Exists, F, OuterRef, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from core.models import AIUsageDaily, MaintenanceReport

log = logging.getLogger(__name__)

IDLE_DAYS = 30
SUCCESS_KEEP_DAYS = 30
FAILURE_KEEP_DAYS = 90  # failures are evidence an operator may still need
USAGE_DETAIL_DAYS = 90
BATCH = 1000
ARCHIVE_REASON = f"No reply {IDLE_DAYS} days after the last email"

Step = Callable[[datetime], dict[str, Any]]


def _idle_prospects(now: datetime) -> Any:
    from outreach.models import Enrollment, InboundMessage, OutboundEmail
    from prospects.models import Prospect

    running = Enrollment.objects.filter(
        prospect=OuterRef("pk"),
        status__in=[Enrollment.Status.ACTIVE, Enrollment.Status.PAUSED],
    )
    in_flight = OutboundEmail.objects.filter(
        prospect=OuterRef("pk"), status__in=OutboundEmail.IN_FLIGHT
    )
    replied = InboundMessage.objects.filter(prospect=OuterRef("pk"), kind=InboundMessage.Kind.REPLY)
    return (
        Prospect.objects.filter(
            archived=False,
            stage=Prospect.Stage.CONTACTED,
            replied_at__isnull=True,
            last_contacted_at__lt=now - timedelta(days=IDLE_DAYS),
        )
        .exclude(Exists(running))
        .exclude(Exists(in_flight))
        .exclude(Exists(replied))
    )


def archive_idle_prospects(now: datetime) -> dict[str, Any]:
    from prospects.services import prospects_archive

    archived = 0
    while True:
        with transaction.atomic():
            # Locked and re-checked in one statement: a reply landing meanwhile wins.
            ids = list(
                _idle_prospects(now)
                .select_for_update(of=("self",))
                .order_by("pk")
                .values_list("pk", flat=True)[:BATCH]
            )
            if not ids:
                break
            archived += prospects_archive(
                ids=ids,
                now=now,
                lost_reason=ARCHIVE_REASON,
                archived_reason=f"Idle {IDLE_DAYS} days (weekly maintenance)",
                actor="maintenance",
            )
    return {"archived": archived}


def prune_task_results(now: datetime) -> dict[str, Any]:
    from django_q.models import Task

    with transaction.atomic():
        ok, _ = Task.objects.filter(
            success=True, stopped__lt=now - timedelta(days=SUCCESS_KEEP_DAYS)
        ).delete()
        failed, _ = Task.objects.filter(
            success=False, stopped__lt=now - timedelta(days=FAILURE_KEEP_DAYS)
        ).delete()
    return {"successes_deleted": ok, "failures_deleted": failed}


def _add_to_daily(key: dict[str, Any], sums: dict[str, Any]) -> None:
    row = AIUsageDaily.objects.select_for_update().filter(**key).first()
    if row is None:
        try:
            with transaction.atomic():
                AIUsageDaily.objects.create(**key, **sums)
            return
        except IntegrityError:  # another run created it a moment ago
            row = AIUsageDaily.objects.select_for_update().get(**key)
    AIUsageDaily.objects.filter(pk=row.pk).update(**{k: F(k) + v for k, v in sums.items()})


def _rollup_batch(cutoff: datetime) -> int:
    from aiengine.models import AIUsage

    with transaction.atomic():
        ids = list(
            AIUsage.objects.filter(created_at__lt=cutoff)
            .order_by("pk")
            .select_for_update()
            .values_list("pk", flat=True)[:BATCH]
        )
        groups = (
            AIUsage.objects.filter(pk__in=ids)
            .annotate(date=TruncDate("created_at"))
            .values("date", "provider", "model", "purpose", "outcome")
            .annotate(
                calls=Count("id"),
                tokens_in=Sum("tokens_in"),
                tokens_out=Sum("tokens_out"),
                cost_usd=Sum("cost_usd"),
                latency_ms_total=Sum("latency_ms"),
            )
            .order_by()
        )
        for group in groups:
            key = {k: group[k] for k in ("date", "provider", "model", "purpose", "outcome")}
            sums = {k: group[k] or 0 for k in ("calls", "tokens_in", "tokens_out")}
            sums["cost_usd"] = group["cost_usd"] or Decimal("0")
            sums["latency_ms_total"] = group["latency_ms_total"] or 0
            _add_to_daily(key, sums)
        AIUsage.objects.filter(pk__in=ids).delete()
    return len(ids)


def rollup_ai_usage(now: datetime) -> dict[str, Any]:
    # Whole UTC days only, so a day is either all detail or all rollup.
    cutoff_day = (now - timedelta(days=USAGE_DETAIL_DAYS)).astimezone(UTC).date()
    cutoff = datetime.combine(cutoff_day, time.min, tzinfo=UTC)
    rolled = 0
    while batch := _rollup_batch(cutoff):
        rolled += batch
    return {"rows_rolled_up": rolled, "before": cutoff_day.isoformat()}


def recompute_inbox_stats(now: datetime) -> dict[str, Any]:
    from inboxes.models import Inbox
    from inboxes.services import recompute_rates

    count = 0
    for inbox in Inbox.objects.order_by("pk"):
        with transaction.atomic():
            recompute_rates(inbox=inbox, now=now)
        count += 1
    return {"inboxes": count}


def refresh_planner_statistics(now: datetime) -> dict[str, Any]:
    statement = "ANALYZE" if connection.vendor == "postgresql" else "PRAGMA optimize"
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)
    return {"database": connection.vendor, "statement": statement}


STEPS: list[tuple[str, Step]] = [
    ("archive_idle_prospects", archive_idle_prospects),
    ("prune_task_results", prune_task_results),
    ("rollup_ai_usage", rollup_ai_usage),
    ("recompute_inbox_stats", recompute_inbox_stats),
    ("analyze", refresh_planner_statistics),
]


def run_weekly(*, now: datetime | None = None, trigger: str = "schedule") -> str:
    """Run every step, record a MaintenanceReport, and return a one-line summary."""
    now = now or timezone.now()
    report = MaintenanceReport.objects.create(started_at=now, trigger=trigger)
    steps: dict[str, Any] = {}
    errors: list[dict[str, str]] = []
    for name, step in STEPS:
        try:
            steps[name] = step(now)
        except Exception as exc:  # one broken step must not stop the others
            log.exception("maintenance step failed", extra={"step": name})
            errors.append({"step": name, "error": f"{type(exc).__name__}: {exc}"[:1000]})
    report.steps, report.errors, report.finished_at = steps, errors, timezone.now()
    report.status = MaintenanceReport.Status.PARTIAL if errors else MaintenanceReport.Status.OK
    report.save(update_fields=["steps", "errors", "finished_at", "status"])
    log.info("weekly maintenance done", extra={"report": report.pk, "status": report.status})
    return summary(report)


def summary(report: MaintenanceReport) -> str:
    s = report.steps
    parts = [
        f"archived {s.get('archive_idle_prospects', {}).get('archived', '?')}",
        f"pruned {s.get('prune_task_results', {}).get('successes_deleted', '?')} task results",
        f"rolled up {s.get('rollup_ai_usage', {}).get('rows_rolled_up', '?')} AI usage rows",
        f"{s.get('recompute_inbox_stats', {}).get('inboxes', '?')} inboxes recomputed",
    ]
    if report.errors:
        parts.append("failed: " + ", ".join(e["step"] for e in report.errors))
    return "; ".join(parts)
