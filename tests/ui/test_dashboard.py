"""The admin index as a dashboard, and the emergency stop toggle on it."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal
from typing import Any
from uuid import uuid4

import pytest
import time_machine
from django.test import Client
from django.utils import timezone
from django_q.models import Failure, Schedule, Task
from django_q.tasks import async_task

from aiengine import ratelimit
from console.dashboard.tasks import changelist
from core.models import Alert, AuditLog, DeadLetter, Switch
from core.services import emergency_stop_active
from outreach.models import InboundMessage
from prospects.models import Prospect
from tests.factories import InboxFactory, ProspectFactory
from tests.outreach.helpers import TUESDAY_10
from tests.ui.helpers import sent_step_one


def _labels(page: str) -> list[str]:
    return re.findall(r'<svg class="jc[^"]*"[^>]*aria-label="([^"]+)"', page)


@pytest.mark.django_db
def test_the_dashboard_draws_a_chart_for_each_question(admin_client: Client) -> None:
    inbox, (enrollment,) = sent_step_one(key="lisbon-1")
    ProspectFactory.create_batch(2, stage=Prospect.Stage.NEW)
    InboundMessage.objects.create(
        inbox=inbox, kind="reply", intent="meeting_request", prospect=enrollment.prospect
    )
    DeadLetter.objects.create(kind="enrichment", error="boom")
    with time_machine.travel(TUESDAY_10 + timedelta(hours=1), tick=False):
        spend = ratelimit.reserve("grok", cost_usd=Decimal("0.4"))
        ratelimit.settle(spend, cost_usd=Decimal("0.5"), purpose="write")
        page = admin_client.get("/admin/").content.decode()
    labels = _labels(page)
    assert "lisbon-1: sends per day against the warmup limit, and the next 5 weeks" in labels
    assert "Prospects by stage" in labels
    assert "Replies in the last 30 days, by intent" in labels
    assert "Bounce rate per inbox over the last 7 days, against the pause threshold" in labels
    assert "Complaint rate per inbox over the last 7 days, against the pause threshold" in labels
    assert "Dead letters waiting for a decision, by kind" in labels
    assert "AI spend today against the daily budget" in labels
    # The pictures carry the numbers: 1 sent today of week 1's 5, a meeting request, $0.50.
    assert "1 sent, limit 5" in page
    assert "Meeting request: 1" in page
    assert "$0.50 of $10.00 today" in page
    assert "Tue 01 Dec: $0.50" in page  # the day's column in the 14-day history
    assert "Sending is running" in page
    assert "Everything in the admin" in page  # the models are still listed below


@pytest.mark.django_db
def test_the_dashboard_shows_each_inbox_complaint_rate_against_its_line(
    admin_client: Client,
) -> None:
    InboxFactory(key="lisbon-2", complaint_rate=0.004, bounce_sample=250)
    InboxFactory(key="lisbon-3", complaint_rate=0.001, bounce_sample=250)

    page = admin_client.get("/admin/").content.decode()

    section = page[page.index('id="complaints"') :]
    assert "lisbon-2: 0.40% of 250" in section and "lisbon-3: 0.10% of 250" in section
    assert "0.3% pause" in section


@pytest.mark.django_db
def test_the_dashboard_lists_the_latest_alerts(admin_client: Client) -> None:
    Alert.objects.create(kind="meeting_request", title="Meeting request from ana@hotel.example")
    page = admin_client.get("/admin/").content.decode()
    assert "Meeting request from ana@hotel.example" in page


@pytest.mark.django_db
def test_the_dashboard_needs_a_login_with_a_role(client: Client, django_user_model: Any) -> None:
    assert client.get("/admin/").status_code == 302
    django_user_model.objects.create_user("viewer", password="pw-viewer-1")
    client.login(username="viewer", password="pw-viewer-1")
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


@pytest.mark.django_db
def test_turning_the_emergency_stop_on_asks_first(admin_client: Client) -> None:
    page = admin_client.get("/admin/ops/emergency-stop/?active=on").content.decode()
    assert "Turn the emergency stop ON?" in page
    assert not emergency_stop_active()
    # A POST without the confirmation only shows the question again.
    admin_client.post("/admin/ops/emergency-stop/", {"active": "on"})
    assert not emergency_stop_active()
    response = admin_client.post(
        "/admin/ops/emergency-stop/", {"active": "on", "confirmed": "yes", "reason": "spam spike"}
    )
    assert response.status_code == 302
    assert emergency_stop_active()
    assert Switch.objects.get(name=Switch.EMERGENCY_STOP).reason == "spam spike"
    assert AuditLog.objects.filter(action="emergency_stop_on", actor_label="admin").exists()
    assert "Emergency stop is ON" in admin_client.get("/admin/").content.decode()


@pytest.mark.django_db
def test_turning_the_emergency_stop_off_is_one_click(admin_client: Client) -> None:
    from core.services import emergency_stop_set

    emergency_stop_set(active=True, reason="test")
    admin_client.post("/admin/ops/emergency-stop/", {"active": "off"})
    assert not emergency_stop_active()
    assert AuditLog.objects.filter(action="emergency_stop_off").exists()


@pytest.mark.django_db
def test_the_emergency_toggle_needs_csrf_and_the_admin_role(
    admin_user: Any, django_user_model: Any
) -> None:
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(admin_user)
    data = {"active": "on", "confirmed": "yes"}
    assert strict.post("/admin/ops/emergency-stop/", data).status_code == 403
    viewer = Client()
    viewer.force_login(django_user_model.objects.create_user("viewer", password="pw-viewer-1"))
    assert viewer.post("/admin/ops/emergency-stop/", data).status_code == 302  # to the login
    assert not emergency_stop_active()


@pytest.mark.django_db
def test_an_inbox_without_sends_still_gets_its_ramp(admin_client: Client) -> None:
    InboxFactory(key="fresh", warmup_start=None)
    page = admin_client.get("/admin/").content.decode()
    assert "fresh: sends per day against the warmup limit, and the next 5 weeks" in _labels(page)
    assert 'class="jc-limit jc-ahead"' in page


@pytest.mark.django_db
def test_only_open_dead_letters_are_counted(admin_client: Client) -> None:
    DeadLetter.objects.create(kind="send", error="x")
    DeadLetter.objects.create(kind="send", error="y", resolved_at=timezone.now())
    page = admin_client.get("/admin/").content.decode()
    assert "Send failed: 1" in page
    assert "Send failed: 2" not in page


# --- the task queue: django-q2's own admin pages, linked with their counts ------------------
def _task(name: str, *, success: bool, now: Any) -> None:
    Task.objects.create(
        id=uuid4().hex,
        name=name,
        func="outreach.tasks.send_due",
        started=now,
        stopped=now,
        success=success,
        result="SMTP timed out" if not success else "12 sent",
    )


@pytest.mark.django_db
def test_the_dashboard_links_the_task_queue_pages_of_django_q2(admin_client: Client) -> None:
    now = timezone.now()
    _task("send-pass-failed", success=False, now=now)
    _task("send-pass-old-failure", success=False, now=now - timedelta(days=2))
    _task("send-pass-ok", success=True, now=now)
    async_task("outreach.tasks.check_replies", task_name="replies-waiting")  # the ORM queue
    Schedule.objects.create(
        name="send-due",
        func="outreach.tasks.send_due",
        schedule_type=Schedule.MINUTES,
        minutes=5,
        next_run=now + timedelta(minutes=3),
    )

    page = admin_client.get("/admin/").content.decode()

    card = page[page.index('id="tasks"') :]
    card = card[: card.index("</section>")]
    rows = re.findall(r'<a href="([^"]+)">([^<]+)</a>:\s*<strong[^>]*>([^<]+)</strong>', card)
    assert [(label, count) for _, label, count in rows] == [
        ("Failed tasks", "1"),  # in the last 24 h
        ("Queued tasks", "1"),
        ("Scheduled tasks", "1"),
        ("Successful tasks", "1"),
    ]
    assert "manage.py qinfo" in card and "manage.py qmonitor" in card
    # each link opens django-q2's own admin page, listing what was counted
    listed = ["send-pass-failed", "outreach.tasks.check_replies", "send-due", "send-pass-ok"]
    for (url, label, _), name in zip(rows, listed, strict=True):
        listing = admin_client.get(url)
        assert listing.status_code == 200, label
        assert name in listing.content.decode(), label


def test_a_task_page_django_q2_does_not_register_is_not_linked() -> None:
    # The queued-task page exists only with the ORM broker; the base Task model has none at all.
    assert changelist(Task) is None
    assert changelist(Failure) == "/admin/django_q/failure/"
