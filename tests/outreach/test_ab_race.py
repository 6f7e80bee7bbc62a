"""Concurrent enrolments into a campaign with A/B variants, on PostgreSQL: the campaign's row
lock keeps the assignment exactly even per inbox and per variant."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

import pytest

from outreach.models import Enrollment
from outreach.services import enroll
from tests.factories import ContactFactory, InboxFactory
from tests.outreach.ab_world import ab_campaign
from tests.outreach.test_approval_race import _run

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
NOW = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


def test_parallel_enrolments_stay_even_per_inbox_and_variant() -> None:
    inboxes = [InboxFactory() for _ in range(2)]
    campaign = ab_campaign("AB")
    contacts = [ContactFactory() for _ in range(40)]
    chunks = [contacts[i::4] for i in range(4)]

    def worker(chunk: list) -> None:
        for contact in chunk:
            enroll(contact=contact, campaign=campaign, now=NOW)

    _run([lambda c=chunk: worker(c) for chunk in chunks])
    rows = Enrollment.objects.filter(campaign=campaign)
    assert rows.count() == 40
    assert Counter(rows.values_list("inbox_id", flat=True)) == {i.pk: 20 for i in inboxes}
    assert set(Counter(rows.values_list("inbox_id", "variant")).values()) == {10}
