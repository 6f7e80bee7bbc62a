"""``import_legacy``: the old system's exports into Jengu, idempotently (see docs/migration.md).

The order matters: prospects first (every other row points at one), the "never send" lists
before any enrollment (so nobody suppressed is enrolled active), the sent emails before the
replies and bounces that match them, and each enrollment's state last, from its emails.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from migration.campaigns import import_campaigns, import_leads
from migration.emails import import_sent
from migration.exclusions import import_exclusions
from migration.inbound import import_bounces, import_replies
from migration.mailboxes import load_mailboxes, report_waiting_inboxes
from migration.people import import_prospects
from migration.progress import settle_enrollments, stop_parallel_sequences
from migration.readers import read_export
from migration.report import LegacyReport
from migration.state import Run


def import_legacy(
    folder: Path, *, now: datetime | None = None, dry_run: bool = False
) -> LegacyReport:
    """Import every export under ``folder``. One transaction: all of it or nothing, and with
    ``dry_run`` nothing, but the report says what would have happened."""
    export = read_export(folder)
    report = LegacyReport(files=export.files, read_errors=export.errors)
    if not export.files:
        report.warn(f"no .sql, .csv, .json or .jsonl file under {folder}")
        return report
    run = Run(export=export, report=report, now=now or timezone.now())
    with transaction.atomic():
        _steps(run)
        if dry_run:
            transaction.set_rollback(True)
    return report


def _steps(run: Run) -> None:
    import_prospects(run)
    load_mailboxes(run)
    import_exclusions(run)
    import_campaigns(run)
    leads = import_leads(run)
    import_sent(run, leads)
    import_replies(run)
    import_bounces(run)
    settle_enrollments(run, leads)
    stop_parallel_sequences(run)
    report_waiting_inboxes(run)
