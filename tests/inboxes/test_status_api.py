"""GET /api/status/warmup and /api/status/inboxes: the shapes in contracts.md, real numbers."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone
from rest_framework.test import APIClient

from inboxes.models import Inbox
from inboxes.services import record_bounce, record_failure, warmup_consume, warmup_reserve
from tests.factories import InboxFactory

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
WARMUP_KEYS = {"inboxId", "id", "address", "provider", "status", "week", "day", "limit"} | {
    "reserved",
    "sent",
    "remaining",
    "resets_at",
}
HEALTH_KEYS = {"inboxId", "id", "address", "status", "pause_reason", "circuit", "bounce_rate"} | {
    "bounce_sample",
    "last_error",
    "last_success_at",
}
SECRET = "never-show-this-pw"


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def _use(inbox: Inbox, reserve: int, consume: int) -> None:
    for _ in range(reserve):
        with transaction.atomic():
            day = warmup_reserve(inbox=inbox, now=timezone.now())
    for _ in range(consume):
        warmup_consume(inbox_id=inbox.pk, day=day)


def _rows(api: APIClient, path: str) -> dict[str, dict]:
    response = api.get(path)
    assert response.status_code == 200, response.content
    return {row["inboxId"]: row for row in response.json()["inboxes"]}


def test_warmup_status_shows_todays_counts(api: APIClient) -> None:
    # started 8 days ago: week 2 of the seed schedule, day 9, 10 a day
    fresh = InboxFactory(key="smtp-1", warmup_start=date(2026, 3, 2), address="a@jengu.test")
    tokyo = InboxFactory(key="smtp-2", warmup_start=None, timezone="Asia/Tokyo")
    _use(fresh, reserve=4, consume=3)
    _use(tokyo, reserve=1, consume=1)

    response = api.get("/api/status/warmup")
    body = response.json()
    rows = {row["inboxId"]: row for row in body["inboxes"]}

    assert {k: rows["smtp-1"][k] for k in WARMUP_KEYS} == {
        "inboxId": "smtp-1",
        "id": fresh.pk,
        "address": "a@jengu.test",
        "provider": "maildir",
        "status": "active",
        "week": 2,
        "day": 9,
        "limit": 10,
        "reserved": 1,
        "sent": 3,
        "remaining": 6,
        "resets_at": "2026-03-11T00:00:00+00:00",
    }
    # the first reservation started Tokyo's warmup on its own date (21:00 on 10 March there)
    assert (rows["smtp-2"]["week"], rows["smtp-2"]["day"], rows["smtp-2"]["limit"]) == (1, 1, 5)
    assert (rows["smtp-2"]["sent"], rows["smtp-2"]["remaining"]) == (1, 4)
    assert rows["smtp-2"]["resets_at"] == "2026-03-11T00:00:00+09:00"
    totals = body["totals"]
    assert {k: totals[k] for k in ("limit", "reserved", "sent", "remaining")} == {
        "limit": 15,
        "reserved": 1,
        "sent": 4,
        "remaining": 10,
    }


def test_warmup_status_leaves_out_disabled_and_gives_paused_no_capacity(api: APIClient) -> None:
    InboxFactory(key="smtp-1")
    InboxFactory(key="smtp-2", status=Inbox.Status.PAUSED)
    InboxFactory(key="smtp-3", status=Inbox.Status.DISABLED)

    rows = _rows(api, "/api/status/warmup/")

    assert set(rows) == {"smtp-1", "smtp-2"}
    assert (rows["smtp-1"]["limit"], rows["smtp-1"]["remaining"]) == (5, 5)
    assert (rows["smtp-2"]["status"], rows["smtp-2"]["limit"], rows["smtp-2"]["remaining"]) == (
        "paused",
        0,
        0,
    )


def test_inbox_status_shows_health(api: APIClient) -> None:
    inbox = InboxFactory(key="smtp-1", warmup_schedule="50", address="a@jengu.test")
    _use(inbox, reserve=20, consume=20)
    record_bounce(inbox_id=inbox.pk, now=timezone.now())
    for _ in range(3):
        record_failure(inbox_id=inbox.pk, now=timezone.now(), error="421 too busy")

    row = _rows(api, "/api/status/inboxes")["smtp-1"]

    assert {k: row[k] for k in HEALTH_KEYS} == {
        "inboxId": "smtp-1",
        "id": inbox.pk,
        "address": "a@jengu.test",
        "status": "active",
        "pause_reason": "",
        "circuit": "open",
        "bounce_rate": 0.05,
        "bounce_sample": 20,
        "last_error": "421 too busy",
        "last_success_at": None,
    }


def test_inbox_status_shows_the_complaint_rate_and_its_sample(api: APIClient) -> None:
    inbox = InboxFactory(key="smtp-1", warmup_schedule="300")
    _use(inbox, reserve=250, consume=250)
    record_bounce(inbox_id=inbox.pk, now=timezone.now(), complaint=True)

    row = _rows(api, "/api/status/inboxes")["smtp-1"]

    # one complaint in 250 sends: 0.4%, over the 0.3% line with more than 200 sends
    assert (row["complaint_rate"], row["complaint_sample"]) == (0.004, 250)
    assert (row["bounce_rate"], row["status"]) == (0.0, "paused")


def test_inbox_status_lists_disabled_and_paused_inboxes_too(api: APIClient) -> None:
    InboxFactory(key="smtp-1", status=Inbox.Status.PAUSED, pause_reason="Bounce rate 9.0%")
    InboxFactory(key="smtp-2", status=Inbox.Status.DISABLED)

    rows = _rows(api, "/api/status/inboxes/")

    assert (rows["smtp-1"]["status"], rows["smtp-1"]["pause_reason"]) == (
        "paused",
        "Bounce rate 9.0%",
    )
    assert rows["smtp-2"]["status"] == "disabled"


@pytest.mark.parametrize("path", ["/api/status/warmup", "/api/status/inboxes"])
def test_status_never_shows_a_credential(path: str, api: APIClient) -> None:
    InboxFactory(key="smtp-1", provider=Inbox.Provider.SMTP, password=SECRET, username="login")

    response = api.get(path)

    assert response.status_code == 200
    assert SECRET.encode() not in response.content
    assert b"fernet:" not in response.content
    assert not any("password" in key for row in response.json()["inboxes"] for key in row)


@pytest.mark.parametrize("path", ["/api/status/warmup", "/api/status/inboxes"])
def test_status_needs_a_token(path: str, anon_client: APIClient, user_api: APIClient) -> None:
    assert anon_client.get(path).status_code in (401, 403)
    assert user_api.get(path).status_code == 200
