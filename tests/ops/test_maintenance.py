"""Weekly maintenance: archive idle prospects, prune task results, roll up AI usage, recompute
inbox rates, ANALYZE; never touch email history or suppressions; leave a report in the admin."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.db import connection
from django_q.models import Task

from aiengine.models import AIUsage
from compliance.models import Suppression
from console import maintenance
from console.tasks import weekly_maintenance
from core.models import AIUsageDaily, MaintenanceReport
from inboxes.models import InboxDay
from outreach.models import Enrollment, InboundMessage, OutboundEmail
from outreach.services import suppress
from prospects.models import Prospect, ProspectEvent
from tests.factories import ContactFactory, EnrollmentFactory, InboxFactory

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 29, 6, 0, tzinfo=UTC)  # a Sunday, 06:00 UTC


def _contacted(days_ago: int, *, enrollment_status: str = "completed", **fields: Any) -> Prospect:
    """A prospect emailed ``days_ago`` days before NOW, with its sent email on file."""
    enrollment = EnrollmentFactory(status=enrollment_status, contact=ContactFactory())
    when = NOW - timedelta(days=days_ago)
    email = OutboundEmail.objects.create(
        enrollment=enrollment, step=1, prospect=enrollment.prospect, contact=enrollment.contact,
        recipient=enrollment.contact.email, message_id=f"<{uuid.uuid4().hex}@sender.example>",
        status=OutboundEmail.Status.SENT, send_after=when, sent_at=when, subject="Hello",
    )  # fmt: skip
    email.raw.save(f"{email.pk}.eml", ContentFile(b"Subject: Hello\r\n\r\nHi\r\n"))
    defaults = {"stage": Prospect.Stage.CONTACTED, "last_contacted_at": when}
    Prospect.objects.filter(pk=enrollment.prospect_id).update(**{**defaults, **fields})
    return Prospect.objects.get(pk=enrollment.prospect_id)


def test_idle_prospects_are_archived_as_lost_and_the_rest_are_left_alone() -> None:
    idle = _contacted(31)
    recent = _contacted(10)
    replied = _contacted(45, replied_at=NOW - timedelta(days=40))
    in_sequence = _contacted(60, enrollment_status="active")
    paused = _contacted(60, enrollment_status="paused")
    engaged = _contacted(60, stage=Prospect.Stage.ENGAGED)
    answered = _contacted(40)  # a reply is on file even though replied_at was never set
    InboundMessage.objects.create(prospect=answered, kind="reply", subject="Re: Hello")

    maintenance.run_weekly(now=NOW)

    idle.refresh_from_db()
    assert (idle.archived, idle.stage) == (True, "lost")
    assert idle.lost_reason == maintenance.ARCHIVE_REASON and idle.archived_reason
    event = ProspectEvent.objects.get(prospect=idle, kind="archived")
    assert event.actor == "maintenance" and event.data["to"] == "lost"
    for kept in (recent, replied, in_sequence, paused, engaged, answered):
        kept.refresh_from_db()
        assert not kept.archived and kept.stage != "lost", kept
    report = MaintenanceReport.objects.get()
    assert report.status == "ok" and report.steps["archive_idle_prospects"]["archived"] == 1


def test_email_history_and_suppression_evidence_are_never_deleted() -> None:
    idle = _contacted(90)
    contact = idle.contacts.get()
    suppress(email=contact.email, reason="bounce", detail="550 5.1.1 user unknown")
    reply = InboundMessage.objects.create(prospect=idle, kind="bounce", subject="Undeliverable")
    reply.raw.save("bounce.eml", ContentFile(b"Subject: Undeliverable\r\n\r\n550\r\n"))
    before = (OutboundEmail.objects.count(), InboundMessage.objects.count(),
              Suppression.objects.count(), Enrollment.objects.count())  # fmt: skip

    maintenance.run_weekly(now=NOW + timedelta(days=400))

    after = (OutboundEmail.objects.count(), InboundMessage.objects.count(),
             Suppression.objects.count(), Enrollment.objects.count())  # fmt: skip
    assert after == before
    assert Suppression.objects.get().detail == "550 5.1.1 user unknown"
    email = OutboundEmail.objects.get(prospect=idle)
    assert email.raw.storage.exists(email.raw.name)
    assert reply.raw.storage.exists(InboundMessage.objects.get(pk=reply.pk).raw.name)


def _task(success: bool, days_ago: int) -> Task:
    stopped = NOW - timedelta(days=days_ago)
    return Task.objects.create(
        id=uuid.uuid4().hex, name=uuid.uuid4().hex, func="outreach.tasks.send_due",
        started=stopped - timedelta(seconds=5), stopped=stopped, success=success, result="x",
    )  # fmt: skip


def test_old_task_results_are_pruned_and_failures_kept_longer() -> None:
    old_ok, new_ok = _task(True, 31), _task(True, 29)
    old_failure, recent_failure = _task(False, 91), _task(False, 45)

    maintenance.run_weekly(now=NOW)

    left = set(Task.objects.values_list("id", flat=True))
    assert left == {new_ok.id, recent_failure.id}
    assert old_ok.id not in left and old_failure.id not in left
    counts = MaintenanceReport.objects.get().steps["prune_task_results"]
    assert counts == {"successes_deleted": 1, "failures_deleted": 1}


def _usage(days_ago: float, outcome: str = "ok", cost: str = "0.010000", **f: Any) -> AIUsage:
    row = AIUsage.objects.create(
        provider=f.get("provider", "anthropic"), model="claude-haiku-4-5", purpose="write",
        tokens_in=100, tokens_out=50, cost_usd=Decimal(cost), latency_ms=200, outcome=outcome,
    )  # fmt: skip
    AIUsage.objects.filter(pk=row.pk).update(created_at=NOW - timedelta(days=days_ago))
    return row


def test_old_ai_usage_is_rolled_up_per_day_without_losing_a_cent() -> None:
    for hours in (0, 1, 5):
        _usage(100 + hours / 24)  # same UTC day (100 days ago, 06:00 minus a few hours)
    _usage(100, outcome="error", cost="0")
    _usage(120, provider="openai", cost="0.250000")
    recent = _usage(10)
    total = sum(AIUsage.objects.values_list("cost_usd", flat=True))

    maintenance.run_weekly(now=NOW)

    assert list(AIUsage.objects.values_list("pk", flat=True)) == [recent.pk]
    rows = {(r.date.isoformat(), r.provider, r.outcome): r for r in AIUsageDaily.objects.all()}
    day = (NOW - timedelta(days=100)).date().isoformat()
    assert set(rows) == {(day, "anthropic", "ok"), (day, "anthropic", "error"),
                         ((NOW - timedelta(days=120)).date().isoformat(), "openai", "ok")}  # fmt: skip
    ok = rows[(day, "anthropic", "ok")]
    assert (ok.calls, ok.tokens_in, ok.tokens_out, ok.latency_ms_total) == (3, 300, 150, 600)
    rolled = sum(r.cost_usd for r in rows.values())
    assert rolled + recent.cost_usd == total == Decimal("0.290000")

    maintenance.run_weekly(now=NOW)  # a second run finds nothing new and changes nothing
    assert AIUsageDaily.objects.get(pk=ok.pk).calls == 3
    assert MaintenanceReport.objects.first().steps["rollup_ai_usage"]["rows_rolled_up"] == 0


def test_a_later_rollup_adds_to_the_same_day() -> None:
    _usage(100)
    maintenance.run_weekly(now=NOW)
    _usage(100)  # e.g. restored from a backup after the first run
    maintenance.run_weekly(now=NOW)
    assert AIUsageDaily.objects.get().calls == 2


def test_inbox_rates_are_recomputed(settings) -> None:
    inbox = InboxFactory(bounce_rate=0.0, bounce_sample=0)
    InboxDay.objects.create(inbox=inbox, date=NOW.date(), limit=50, sent=40, bounced=4)
    InboxDay.objects.create(inbox=inbox, date=NOW.date() - timedelta(days=30), limit=50,
                            sent=100, bounced=90)  # outside the 7-day window  # fmt: skip

    maintenance.run_weekly(now=NOW)

    inbox.refresh_from_db()
    assert (inbox.bounce_sample, inbox.bounce_rate) == (40, pytest.approx(0.1))
    assert MaintenanceReport.objects.get().steps["recompute_inbox_stats"] == {"inboxes": 1}


@pytest.mark.postgres
def test_analyze_refreshes_the_postgres_statistics() -> None:
    for _ in range(3):
        _contacted(5)

    def reltuples() -> float:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT reltuples FROM pg_class WHERE relname = %s", [Prospect._meta.db_table]
            )
            return cursor.fetchone()[0]

    assert reltuples() != 3  # never analysed since the rows arrived
    maintenance.run_weekly(now=NOW)
    assert reltuples() == 3
    assert MaintenanceReport.objects.get().steps["analyze"]["statement"] == "ANALYZE"


def test_a_failing_step_is_reported_and_the_others_still_run(monkeypatch) -> None:
    idle = _contacted(31)

    def broken(now: datetime) -> dict[str, Any]:
        raise RuntimeError("task table is locked")

    steps = [(n, broken if n == "prune_task_results" else f) for n, f in maintenance.STEPS]
    monkeypatch.setattr(maintenance, "STEPS", steps)
    summary = maintenance.run_weekly(now=NOW)

    report = MaintenanceReport.objects.get()
    assert report.status == "partial" and report.finished_at
    assert report.errors == [{"step": "prune_task_results",
                              "error": "RuntimeError: task table is locked"}]  # fmt: skip
    assert "failed: prune_task_results" in summary
    assert Prospect.objects.get(pk=idle.pk).archived  # the step after it ran too


def test_the_scheduled_task_runs_maintenance_and_the_admin_shows_the_report(admin_client) -> None:
    _contacted(31)
    with time_machine.travel(NOW, tick=False):
        summary = weekly_maintenance()
    assert summary.startswith("archived 1;")

    report = MaintenanceReport.objects.get()
    listing = admin_client.get("/admin/jengu/maintenancereport/")
    assert listing.status_code == 200 and b"archived 1" in listing.content
    detail = admin_client.get(f"/admin/jengu/maintenancereport/{report.pk}/change/")
    assert detail.status_code == 200
    assert b"archive_idle_prospects" in detail.content and b"rows_rolled_up" in detail.content
    assert admin_client.get("/admin/jengu/aiusagedaily/").status_code == 200
