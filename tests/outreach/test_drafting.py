"""Drafting ahead (outreach owns it; the AI engine only writes): tomorrow's emails are written
before the send window, once, and a draft that fails becomes a dead letter that replays it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from django_q.conf import Conf

from aiengine.prompts import load_prompt
from core.models import DeadLetter
from outreach.models import OutboundEmail
from outreach.tasks import draft_ahead, draft_one
from tests.factories import CampaignFactory, EnrollmentFactory, InboxFactory

GOOD = {
    "subject": "Guest emails at Hotel Lima",
    "body": "Hello Ana,\n\nWould a 15-minute call about answering guest emails help?\n\nRui",
}


@pytest.fixture
def sync_queue(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Conf, "SYNC", True)


@pytest.mark.django_db
def test_draft_ahead_writes_tomorrows_emails_now(
    llms: dict, sync_queue: None, django_capture_on_commit_callbacks: Any
) -> None:
    now = timezone.now()
    inbox = InboxFactory()
    due = EnrollmentFactory(inbox=inbox, next_send_at=now + timedelta(hours=20))
    later = EnrollmentFactory(inbox=inbox, next_send_at=now + timedelta(days=3))
    llms["grok"].reply_json(GOOD)
    with django_capture_on_commit_callbacks(execute=True):
        assert draft_ahead() == "enqueued 1 drafts"
    email = OutboundEmail.objects.get()
    assert (email.enrollment, email.step) == (due, 1)
    assert (email.subject, email.ai_provider, email.ai_model) == (
        GOOD["subject"],
        "grok",
        "grok-3-mini",
    )
    assert email.prompt_version == load_prompt("write_cold_direct").version
    assert not email.offline
    assert not later.emails.exists()
    assert draft_ahead() == "enqueued 0 drafts"  # already drafted: nothing twice


@pytest.mark.django_db
def test_draft_one_offline_marks_the_email_offline(no_keys: None) -> None:
    enrollment = EnrollmentFactory(inbox=InboxFactory(), next_send_at=timezone.now())
    assert "by offline" in draft_one(enrollment.pk)
    email = OutboundEmail.objects.get(enrollment=enrollment)
    assert email.offline and email.ai_provider == "offline"


@pytest.mark.django_db
def test_a_draft_that_fails_becomes_a_dead_letter_that_replays_draft_one(no_keys: None) -> None:
    campaign = CampaignFactory(strategy="no_such_strategy")  # bad data: the writer refuses it
    enrollment = EnrollmentFactory(campaign=campaign, inbox=InboxFactory())
    assert draft_one(enrollment.pk) == f"enrollment {enrollment.pk}: failed"
    letter = DeadLetter.objects.get()
    assert (letter.kind, letter.task_name) == ("ai", "outreach.tasks.draft_one")
    assert letter.payload == {"args": [enrollment.pk]}
    assert not OutboundEmail.objects.exists()


@pytest.mark.django_db
def test_draft_one_of_a_vanished_enrollment_says_so() -> None:
    assert draft_one(987654) == "enrollment 987654 is gone"
