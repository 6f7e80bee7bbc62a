"""Concurrent send passes on PostgreSQL: the domain counter decides, never the timing."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import pytest
import time_machine
from django.db import connection

from inboxes.clients.maildir import open_maildir, outbox_path
from outreach.models import DomainDay, OutboundEmail
from outreach.services import PassReport, claim_next, prepare_due, run_send_pass
from tests.factories import CampaignFactory, InboxFactory
from tests.outreach.helpers import enrolled

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

NOON = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def in_threads(count: int, work: Callable[[int], Any]) -> list[Any]:
    results: list[Any] = [None] * count
    start = threading.Barrier(count)

    def run(index: int) -> None:
        try:
            start.wait()
            results[index] = work(index)
        except BaseException as exc:
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


HOSTS = ["grupo-hoteles.es", "reservas.grupo-hoteles.es", "lisboa.grupo-hoteles.es"]


@pytest.fixture
def fifty_due(settings: Any) -> list[int]:
    """16 inboxes and 50 due emails to one registrable domain (three of its host names)."""
    settings.JENGU = {
        **settings.JENGU,
        "SEND_HOURS": "0-24",
        "SEND_DAYS": "mon-sun",
        "SEND_GAP_SECONDS": "0",
        "DOMAIN_DAILY_CAP": 2,
    }
    with time_machine.travel(NOON, tick=False):
        inboxes = [InboxFactory(warmup_schedule="1000").pk for _ in range(16)]
        campaign = CampaignFactory()
        for n in range(50):
            enrolled(campaign, email=f"guest{n}@{HOSTS[n % 3]}")
        prepare_due(now=NOON)  # the 50 emails are due before the passes race for them
    assert OutboundEmail.objects.filter(status="queued").count() == 50
    return inboxes


@pytest.mark.slow
def test_sixteen_concurrent_passes_send_exactly_the_cap_to_one_domain(fifty_due: list[int]) -> None:
    with time_machine.travel(NOON, tick=False):
        reports = in_threads(16, lambda _i: run_send_pass())
    assert all(isinstance(r, PassReport) for r in reports), reports
    assert sum(r.sent for r in reports) == 2
    assert OutboundEmail.objects.filter(status="sent").count() == 2
    assert OutboundEmail.objects.filter(status="queued").count() == 48
    assert len(open_maildir(outbox_path())) == 2  # what actually went out
    row = DomainDay.objects.get(kind="domain", key="grupo-hoteles.es", day=date(2026, 12, 1))
    assert (row.reserved, row.sent) == (0, 2)
    reasons = {reason for r in reports for reason in r.skipped.values()}
    assert any("domain cap" in reason for reason in reasons)


def test_sixteen_concurrent_claims_on_sixteen_inboxes_take_exactly_the_cap(
    fifty_due: list[int],
) -> None:
    # Passes visit the inboxes in one order, so their claims often queue on one inbox row;
    # claims on sixteen inboxes at once meet only at the domain's counter. Today's counter
    # exists already (an earlier try was given back): they race on reading it, not inserting.
    DomainDay.objects.create(kind="domain", key="grupo-hoteles.es", day=NOON.date())
    claims = in_threads(16, lambda i: claim_next(inbox_id=fifty_due[i], now=NOON))
    assert not [c for c in claims if isinstance(c, BaseException)], claims
    assert len([c for c in claims if c is not None]) == 2
    assert OutboundEmail.objects.filter(status="sending").count() == 2
    assert OutboundEmail.objects.filter(status="queued").count() == 48
    row = DomainDay.objects.get(kind="domain", key="grupo-hoteles.es", day=NOON.date())
    assert (row.reserved, row.sent) == (2, 0)
