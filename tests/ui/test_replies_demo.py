"""``make run``'s demo has replies to read: the demo responder's answers arrive unread in the
unified inbox, and an answer from the Replies page goes out through the demo's Maildir."""

from __future__ import annotations

import pytest
from django.utils import timezone

from console import demo
from inboxes.clients.maildir import outbox_path
from outreach import tasks
from outreach.services import replies, replies_answer
from outreach.services.enrolment import enroll_ready
from prospects.models import Prospect
from prospects.tasks import enrich_prospect
from tests.ui.test_demo import _deliver_replies, demo_mode, site  # noqa: F401  # fixtures

pytestmark = pytest.mark.django_db


def test_the_demo_replies_wait_unread_and_can_be_answered(demo_mode, api) -> None:
    demo.load_demo()
    for prospect in Prospect.objects.all():
        enrich_prospect(prospect.pk)
    enroll_ready(timezone.now())
    demo.send_pass()
    _deliver_replies()

    listed = api.get("/api/replies?unread=true").json()["results"]
    intents = {r["intent"] for r in listed}
    assert {"meeting_request", "interested"} <= intents
    assert all(r["read"] is False for r in listed)
    assert replies.unread_count() == len(listed)

    meeting = next(r for r in listed if r["intent"] == "meeting_request")
    draft = replies_answer.reply_suggest_answer(reply_id=meeting["id"])
    email = replies_answer.reply_answer(reply_id=meeting["id"], body=draft.body)
    before = len(list((outbox_path() / "new").iterdir()))
    assert tasks.send_answer(email.pk) == "sent"
    assert len(list((outbox_path() / "new").iterdir())) == before + 1
    assert replies.unread_count() == len(listed) - 1
