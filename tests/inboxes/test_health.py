"""InboxState: circuit breaker, bounce/complaint auto-pause, pause and resume."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone
from rest_framework.test import APIClient

from core.models import Alert, AuditLog
from inboxes.models import Inbox, InboxDay
from inboxes.services import (
    circuit_allows,
    record_bounce,
    record_failure,
    record_success,
    warmup_consume,
    warmup_reserve,
)
from tests.factories import InboxFactory

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


def _sends(inbox: Inbox, count: int, now: datetime) -> None:
    """``count`` messages sent today, through the warmup counter as the sender does it."""
    for _ in range(count):
        with transaction.atomic():
            day = warmup_reserve(inbox=inbox, now=now)
        assert day is not None
        warmup_consume(inbox_id=inbox.pk, day=day)


def _status(inbox: Inbox) -> str:
    inbox.refresh_from_db()
    return inbox.status


# --- circuit breaker ----------------------------------------------------------------------
def test_circuit_opens_after_three_consecutive_failures() -> None:
    inbox = InboxFactory()
    for n in (1, 2):
        assert record_failure(inbox_id=inbox.pk, now=T0, error=f"timeout {n}").circuit == "closed"
    opened = record_failure(inbox_id=inbox.pk, now=T0, error="535 auth failed")

    assert (opened.circuit, opened.consecutive_failures) == ("open", 3)
    assert (opened.circuit_opened_at, opened.last_error) == (T0, "535 auth failed")
    assert circuit_allows(opened, T0 + timedelta(minutes=4, seconds=59)) is False


def test_a_success_in_between_resets_the_count() -> None:
    inbox = InboxFactory()
    record_failure(inbox_id=inbox.pk, now=T0, error="x")
    record_failure(inbox_id=inbox.pk, now=T0, error="x")
    record_success(inbox_id=inbox.pk, now=T0)
    after = record_failure(inbox_id=inbox.pk, now=T0, error="x")
    assert (after.circuit, after.consecutive_failures) == ("closed", 1)


def _open_circuit(inbox: Inbox) -> Inbox:
    for _ in range(3):
        inbox = record_failure(inbox_id=inbox.pk, now=timezone.now(), error="connection refused")
    assert inbox.circuit == "open"
    return inbox


def test_circuit_goes_half_open_after_five_minutes_and_closes_on_success() -> None:
    with time_machine.travel(T0, tick=False) as traveller:
        inbox = _open_circuit(InboxFactory())
        traveller.shift(timedelta(minutes=4))
        assert circuit_allows(inbox, timezone.now()) is False
        traveller.shift(timedelta(minutes=1))
        assert circuit_allows(inbox, timezone.now()) is True
        inbox.refresh_from_db()
        assert inbox.circuit == "half_open"

        record_success(inbox_id=inbox.pk, now=timezone.now())
    inbox.refresh_from_db()
    assert (inbox.circuit, inbox.consecutive_failures) == ("closed", 0)
    assert inbox.last_success_at == T0 + timedelta(minutes=5)


def test_a_failure_while_half_open_opens_the_circuit_again() -> None:
    with time_machine.travel(T0, tick=False) as traveller:
        inbox = _open_circuit(InboxFactory())
        traveller.shift(timedelta(minutes=5))
        assert circuit_allows(inbox, timezone.now()) is True

        reopened = record_failure(inbox_id=inbox.pk, now=timezone.now(), error="still down")
        assert (reopened.circuit, reopened.circuit_opened_at) == ("open", timezone.now())
        # the cool-down starts again from the new failure
        traveller.shift(timedelta(minutes=4))
        assert circuit_allows(reopened, timezone.now()) is False
        traveller.shift(timedelta(minutes=1))
        assert circuit_allows(reopened, timezone.now()) is True


# --- bounce and complaint auto-pause ------------------------------------------------------
def test_bounce_rate_above_five_percent_pauses_the_inbox_and_alerts() -> None:
    inbox = InboxFactory(key="smtp-1", warmup_schedule="100")
    now = timezone.now()
    _sends(inbox, 20, now)

    record_bounce(inbox_id=inbox.pk, now=now)  # 1 of 20 = 5.0%: not above 5%
    assert _status(inbox) == "active"
    record_bounce(inbox_id=inbox.pk, now=now, cause="user unknown at hotel-a.test")

    inbox.refresh_from_db()
    assert inbox.status == "paused"
    assert (inbox.bounce_rate, inbox.bounce_sample) == (0.1, 20)
    assert "Bounce rate 10.0%" in inbox.pause_reason
    assert "likely cause: user unknown at hotel-a.test" in inbox.pause_reason
    audit = AuditLog.objects.get(action="inbox_auto_paused")
    assert audit.object_id == str(inbox.pk)
    assert audit.detail["reason"] == inbox.pause_reason
    alert = Alert.objects.get(kind=Alert.Kind.INBOX_PAUSED)
    assert "smtp-1" in alert.title
    assert alert.body == inbox.pause_reason


def test_below_the_minimum_sample_a_high_rate_does_not_pause() -> None:
    inbox = InboxFactory(warmup_schedule="100")
    now = timezone.now()
    _sends(inbox, 10, now)
    for _ in range(3):
        record_bounce(inbox_id=inbox.pk, now=now)

    inbox.refresh_from_db()
    assert inbox.status == "active"
    assert (inbox.bounce_rate, inbox.bounce_sample) == (0.3, 10)
    assert not Alert.objects.exists()


def test_bounces_older_than_the_window_do_not_count() -> None:
    inbox = InboxFactory(warmup_schedule="100")
    now = timezone.now()
    old = now.date() - timedelta(days=7)
    InboxDay.objects.create(inbox=inbox, date=old, limit=100, sent=40, bounced=20)
    _sends(inbox, 20, now)

    record_bounce(inbox_id=inbox.pk, now=now)

    inbox.refresh_from_db()
    assert (inbox.status, inbox.bounce_sample, inbox.bounce_rate) == ("active", 20, 0.05)


def test_three_sender_problem_bounces_in_a_day_pause_the_inbox() -> None:
    inbox = InboxFactory(warmup_schedule="200")
    now = timezone.now()
    _sends(inbox, 100, now)
    for _ in range(2):
        record_bounce(inbox_id=inbox.pk, now=now, sender_problem=True)
    assert _status(inbox) == "active"

    record_bounce(inbox_id=inbox.pk, now=now, sender_problem=True, cause="blocked by Spamhaus")

    inbox.refresh_from_db()
    assert inbox.status == "paused"
    assert inbox.pause_reason.startswith("3 sender-problem bounces today")
    assert Alert.objects.filter(kind=Alert.Kind.INBOX_PAUSED).count() == 1


@pytest.mark.parametrize(("sends", "status"), [(199, "active"), (200, "paused")])
def test_complaint_pause_needs_two_hundred_sends(sends: int, status: str) -> None:
    inbox = InboxFactory(warmup_schedule="300")
    now = timezone.now()
    _sends(inbox, sends, now)

    record_bounce(inbox_id=inbox.pk, now=now, complaint=True)  # 1 in ~200 = 0.5% > 0.3%

    inbox.refresh_from_db()
    assert inbox.status == status
    assert inbox.bounce_rate == 0.0  # a complaint is not a bounce
    if status == "paused":
        assert inbox.pause_reason.startswith("Complaint rate 0.50%")


def test_a_paused_inbox_is_not_paused_twice() -> None:
    inbox = InboxFactory(warmup_schedule="100")
    now = timezone.now()
    _sends(inbox, 20, now)
    for _ in range(4):
        record_bounce(inbox_id=inbox.pk, now=now)

    assert _status(inbox) == "paused"
    assert AuditLog.objects.filter(action="inbox_auto_paused").count() == 1
    assert Alert.objects.count() == 1


# --- pause and resume through the API -----------------------------------------------------
def _paused(key: str = "smtp-1") -> Inbox:
    return InboxFactory(key=key, status=Inbox.Status.PAUSED, pause_reason="Bounce rate 9%")


def test_resume_by_key_is_idempotent(api: APIClient, staff_user: Any) -> None:
    inbox = _paused()

    first = api.post("/api/admin/resume-inbox", {"inboxId": "smtp-1"}, format="json")
    second = api.post("/api/admin/resume-inbox/", {"inboxId": "smtp-1"}, format="json")

    assert (first.status_code, first.json()) == (
        200,
        {"inboxId": "smtp-1", "status": "active", "changed": True},
    )
    assert (second.status_code, second.json()["changed"]) == (200, False)
    inbox.refresh_from_db()
    assert (inbox.status, inbox.pause_reason) == ("active", "")
    audit = AuditLog.objects.get(action="inbox_resumed")
    assert (audit.actor, audit.object_id) == (staff_user, str(inbox.pk))


def test_resume_by_numeric_id(api: APIClient) -> None:
    inbox = _paused("sales-desk")
    response = api.post("/api/admin/resume-inbox", {"inboxId": inbox.pk}, format="json")
    assert response.json() == {"inboxId": "sales-desk", "status": "active", "changed": True}


def test_resume_closes_the_circuit(api: APIClient) -> None:
    inbox = _open_circuit(_paused())
    api.post("/api/admin/resume-inbox", {"inboxId": str(inbox.pk)}, format="json")
    inbox.refresh_from_db()
    assert (inbox.status, inbox.circuit, inbox.consecutive_failures) == ("active", "closed", 0)


def test_pause_is_idempotent_and_keeps_the_reason(api: APIClient) -> None:
    inbox = InboxFactory(key="smtp-2")
    body = {"inboxId": "smtp-2", "reason": "DNS change in progress"}

    first = api.post("/api/admin/pause-inbox", body, format="json")
    second = api.post("/api/admin/pause-inbox", {**body, "reason": "again"}, format="json")

    assert first.json() == {"inboxId": "smtp-2", "status": "paused", "changed": True}
    assert (second.status_code, second.json()["changed"]) == (200, False)
    inbox.refresh_from_db()
    assert (inbox.status, inbox.pause_reason) == ("paused", "DNS change in progress")
    assert AuditLog.objects.filter(action="inbox_paused").count() == 1
    assert not Alert.objects.exists()  # an operator's pause needs no alert


def test_a_disabled_inbox_is_neither_paused_nor_resumed(api: APIClient) -> None:
    InboxFactory(key="smtp-9", status=Inbox.Status.DISABLED)
    paused = api.post("/api/admin/pause-inbox", {"inboxId": "smtp-9"}, format="json").json()
    resumed = api.post("/api/admin/resume-inbox", {"inboxId": "smtp-9"}, format="json").json()
    assert (paused["status"], paused["changed"]) == ("disabled", False)
    assert (resumed["status"], resumed["changed"]) == ("disabled", False)


@pytest.mark.parametrize("path", ["/api/admin/pause-inbox", "/api/admin/resume-inbox"])
def test_pause_and_resume_need_an_operator(path: str, user_api: APIClient) -> None:
    _paused()
    response = user_api.post(path, {"inboxId": "smtp-1"}, format="json")
    assert response.status_code == 403
    assert set(response.json()) == {"detail", "code"}
    assert Inbox.objects.get(key="smtp-1").status == "paused"


@pytest.mark.parametrize("path", ["/api/admin/pause-inbox", "/api/admin/resume-inbox"])
def test_unknown_inbox_is_404_with_the_error_shape(path: str, api: APIClient) -> None:
    response = api.post(path, {"inboxId": "smtp-404"}, format="json")
    assert response.status_code == 404
    body = response.json()
    assert set(body) == {"detail", "code"}
    assert body["code"] == "inbox_not_found"
    assert "smtp-404" in body["detail"]


def test_missing_inbox_id_is_a_validation_error(api: APIClient) -> None:
    response = api.post("/api/admin/resume-inbox", {}, format="json")
    assert response.status_code == 400
    assert response.json()["fields"] == {"inboxId": ["This field is required."]}
