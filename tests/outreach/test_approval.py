"""The approval queue: a campaign that reviews first emails holds each drafted first email until
an operator approves it; only approved emails are claimed and sent; a rejected one never goes."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.utils import timezone
from django_q.conf import Conf

from core.models import AuditLog
from outreach.models import Enrollment, OutboundEmail
from outreach.services import claim_next, enrollments_stop, prepare_due, run_send_pass
from outreach.services.approval import (
    DraftEdit,
    InvalidDraft,
    approval_approve,
    approval_edit,
    approval_reject,
)
from outreach.tasks import draft_ahead
from tests.factories import CampaignFactory, EnrollmentFactory, InboxFactory
from tests.outreach.helpers import TUESDAY_10, enrolled, parsed, smtp_inbox

pytestmark = pytest.mark.django_db
AWAITING = OutboundEmail.Status.AWAITING_APPROVAL
GOOD_BODY = "Hello Ana,\n\nWould a short call about your guests' emails help this winter?\n\nRui"


def _reviewing(**kwargs: Any) -> Any:
    return CampaignFactory(review_first_emails=True, **kwargs)


def test_a_reviewed_first_email_waits_then_goes_with_the_operators_edit(
    smtp_server: Any, settings: Any, admin_user: Any
) -> None:
    with time_machine.travel(TUESDAY_10, tick=False) as clock:
        smtp_inbox(smtp_server, settings)
        (enrollment,) = enrolled(_reviewing(steps=[0, 3]))
        assert run_send_pass().sent == 0  # drafted, held
        email = OutboundEmail.objects.get()
        assert email.status == AWAITING and not smtp_server.messages
        assert email.writer_facts["prospect_name"] == enrollment.prospect.name

        result = approval_approve(
            email_ids=[email.pk],
            user=admin_user,
            edits={email.pk: DraftEdit(subject="A question about guest emails", body=GOOD_BODY)},
        )
        assert result.done == [email.pk]
        assert run_send_pass().sent == 1
        clock.move_to(TUESDAY_10 + timedelta(days=3))
        assert run_send_pass().sent == 1  # the follow-up is not held

    first, second = (parsed(m.raw) for m in smtp_server.messages)
    assert first["Subject"] == "A question about guest emails"
    assert first.get_content().strip().startswith("Hello Ana,")
    assert second["Subject"] == "Re: A question about guest emails"
    email.refresh_from_db()
    assert (email.status, email.reviewed_by, email.reviewed_at) == ("sent", admin_user, TUESDAY_10)
    actions = set(AuditLog.objects.values_list("action", flat=True))
    assert {"draft_edited", "draft_approved"} <= actions


def test_a_campaign_that_does_not_review_queues_its_first_email() -> None:
    with time_machine.travel(TUESDAY_10, tick=False):
        InboxFactory()
        enrolled(CampaignFactory())
        prepare_due(now=timezone.now())
    assert OutboundEmail.objects.get().status == "queued"


def test_an_awaiting_email_is_never_claimed() -> None:
    with time_machine.travel(TUESDAY_10, tick=False):
        inbox = InboxFactory()
        enrolled(_reviewing())
        prepare_due(now=timezone.now())
        skipped: dict[int, str] = {}
        claim = claim_next(
            inbox_id=inbox.pk, now=timezone.now() + timedelta(days=2), skipped=skipped
        )
    assert claim is None and not skipped
    assert OutboundEmail.objects.get().status == AWAITING


def test_a_rejected_draft_is_never_sent_and_its_sequence_stops(
    smtp_server: Any, settings: Any, admin_user: Any
) -> None:
    with time_machine.travel(TUESDAY_10, tick=False):
        smtp_inbox(smtp_server, settings)
        (enrollment,) = enrolled(_reviewing())
        run_send_pass()
        email = OutboundEmail.objects.get()
        result = approval_reject(email_ids=[email.pk], user=admin_user, reason="wrong hotel")
        again = approval_approve(email_ids=[email.pk], user=admin_user)
        assert run_send_pass().sent == 0

    assert result.done == [email.pk]
    assert again.skipped == {email.pk: "no longer awaiting approval (rejected)"}
    email.refresh_from_db()
    enrollment.refresh_from_db()
    assert (email.status, email.review_note, email.sent_at) == ("rejected", "wrong hotel", None)
    assert enrollment.status == Enrollment.Status.STOPPED
    assert enrollment.stopped_reason == "first email rejected: wrong hotel"
    assert not smtp_server.messages
    assert OutboundEmail.objects.count() == 1  # nothing drafted after it
    assert AuditLog.objects.filter(action="draft_rejected", detail__reason="wrong hotel").exists()


def test_reject_needs_a_reason(admin_user: Any) -> None:
    with pytest.raises(InvalidDraft) as refused:
        approval_reject(email_ids=[1], user=admin_user, reason="  ")
    assert list(refused.value.fields) == ["reason"]


def test_bulk_approval_reports_what_it_could_not_approve(admin_user: Any) -> None:
    with time_machine.travel(TUESDAY_10, tick=False):
        InboxFactory()
        enrolled(_reviewing(), n=3)
        prepare_due(now=timezone.now())
    a, b, c = OutboundEmail.objects.order_by("pk").values_list("pk", flat=True)
    approval_reject(email_ids=[c], user=admin_user, reason="duplicate")

    result = approval_approve(email_ids=[a, b, c, 999_999, a], user=admin_user)

    assert result.done == [a, b]
    assert result.skipped == {c: "no longer awaiting approval (rejected)", 999_999: "not found"}
    statuses = dict(OutboundEmail.objects.values_list("pk", "status"))
    assert statuses == {a: "queued", b: "queued", c: "rejected"}


def test_an_edit_is_checked_like_the_writers_output(admin_user: Any) -> None:
    with time_machine.travel(TUESDAY_10, tick=False):
        InboxFactory()
        enrolled(_reviewing())
        prepare_due(now=timezone.now())
    email = OutboundEmail.objects.get()

    with pytest.raises(InvalidDraft) as refused:
        approval_edit(
            email_id=email.pk, user=admin_user, edit=DraftEdit(subject="Hi {first_name}", body="Hi")
        )
    assert set(refused.value.fields) == {"subject", "body"}
    assert "placeholder" in refused.value.fields["subject"][0]
    with pytest.raises(InvalidDraft):  # an approval with a bad edit does not approve either
        approval_approve(
            email_ids=[email.pk], user=admin_user, edits={email.pk: DraftEdit(body="Too short")}
        )
    saved = approval_edit(
        email_id=email.pk, user=admin_user, edit=DraftEdit(body=GOOD_BODY.replace("\n", "\r\n"))
    )
    assert (saved.status, saved.body_text) == (AWAITING, GOOD_BODY)


def test_a_stopped_sequence_cancels_its_awaiting_draft(admin_user: Any) -> None:
    with time_machine.travel(TUESDAY_10, tick=False):
        InboxFactory()
        (enrollment,) = enrolled(_reviewing())
        prepare_due(now=timezone.now())
    enrollments_stop(ids=[enrollment.pk], reason="replied")

    result = approval_approve(email_ids=[OutboundEmail.objects.get().pk], user=admin_user)

    assert not result.done
    assert list(result.skipped.values()) == ["no longer awaiting approval (cancelled)"]


def test_draft_ahead_fills_tomorrows_queue(
    monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    monkeypatch.setattr(Conf, "SYNC", True)
    now = timezone.now()
    EnrollmentFactory(
        campaign=_reviewing(), inbox=InboxFactory(), next_send_at=now + timedelta(hours=20)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert draft_ahead() == "enqueued 1 drafts"
    email = OutboundEmail.objects.get()
    assert (email.status, email.step) == (AWAITING, 1)
    assert email.subject and email.body_text and email.writer_facts
