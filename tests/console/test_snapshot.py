"""Snapshots of the answers whose cost grows with the tables (console.snapshot): the dashboard's
funnel and the default forecast serve what the schedule last computed, for at most
JENGU_SNAPSHOT_SECONDS; an explicit forecast N is always computed."""

from __future__ import annotations

from typing import Any

import pytest

from console.snapshot import refresh_snapshots, snapshot
from prospects.models import Prospect
from tests.factories import ContactFactory, InboxFactory, ProspectFactory


def _ready(n: int) -> None:
    for _ in range(n):
        ContactFactory(prospect=ProspectFactory(stage=Prospect.Stage.READY))


@pytest.fixture
def snapshots_on(settings: Any) -> None:
    settings.JENGU = {**settings.JENGU, "SNAPSHOT_SECONDS": 180}


@pytest.mark.django_db
def test_the_funnel_serves_its_snapshot_until_the_schedule_refreshes_it(snapshots_on) -> None:
    _ready(2)
    assert snapshot("funnel")["ready"] == 2
    _ready(1)
    assert snapshot("funnel")["ready"] == 2  # the snapshot, not a count of every prospect
    assert refresh_snapshots() == "refreshed forecast, funnel"
    assert snapshot("funnel")["ready"] == 3


@pytest.mark.django_db
def test_the_forecast_endpoint_reads_the_snapshot_and_computes_an_explicit_n(
    snapshots_on, api
) -> None:
    InboxFactory()
    _ready(2)
    assert api.get("/api/status/forecast").json()["n"] == 2
    _ready(1)
    assert api.get("/api/status/forecast").json()["n"] == 2
    assert api.get("/api/status/forecast?n=3").json()["n"] == 3
    refresh_snapshots()
    assert api.get("/api/status/forecast").json()["n"] == 3


@pytest.mark.django_db
def test_zero_seconds_turns_the_snapshots_off(settings: Any) -> None:
    settings.JENGU = {**settings.JENGU, "SNAPSHOT_SECONDS": 0}
    _ready(1)
    assert snapshot("funnel")["ready"] == 1
    _ready(1)
    assert snapshot("funnel")["ready"] == 2
    assert refresh_snapshots().startswith("snapshots off")


@pytest.mark.django_db
def test_an_explicit_n_reads_only_the_first_n_ready_prospects() -> None:
    from console.forecast import first_contacts

    _ready(5)
    assert len(list(first_contacts(2))) == 2
    assert len({pid for pid, _, _ in first_contacts()}) == 5
