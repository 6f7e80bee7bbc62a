"""django-q2 entry points for sending."""

from __future__ import annotations

import logging

from outreach import services

log = logging.getLogger(__name__)
PASS_SECONDS = 200  # under the 5-minute cron and Q_CLUSTER's timeout


def send_due(count: int | None = None) -> str:
    report = services.run_send_pass(count=count, max_seconds=PASS_SECONDS)
    log.info(
        "send pass",
        extra={"sent": report.sent, "failed": report.failed, "skipped": len(report.skipped)},
    )
    return f"sent {report.sent}, failed {report.failed}, skipped {len(report.skipped)}"


def reconcile_expired() -> str:
    return str(services.reconcile_expired())
