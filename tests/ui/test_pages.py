"""The inbox page, the dead letters screen and the prospect timeline."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.utils import timezone
from django_q.models import OrmQ

from core.models import AuditLog, DeadLetter
from core.services import audit_record, deadletter_create
from inboxes.models import Inbox
from outreach.models import InboundMessage, OutboundEmail
from outreach.services import reconcile_expired
from prospects.services import prospect_set_stage
from tests.factories import InboxFactory
from tests.outreach.helpers import TUESDAY_10
from tests.ui.helpers import first_email, sent_step_one

LATER = TUESDAY_10 + timedelta(minutes=30)


def _inbox_page(client: Client, inbox: Inbox) -> str:
    return client.get(f"/admin/inboxes/inbox/{inbox.pk}/change/").content.decode()


# --- inboxes ----------------------------------------------------------------------------------
@pytest.mark.django_db
def test_the_inbox_page_shows_health_reservations_and_errors(admin_client: Client) -> None:
    inbox, (enrollment, bounced) = sent_step_one(2, key="porto-1")
    email = first_email(enrollment)
    OutboundEmail.objects.filter(pk=first_email(bounced).pk).update(
        status="bounced", bounce_reason="user_unknown"
    )
    Inbox.objects.filter(pk=inbox.pk).update(
        last_error="535 5.7.8 Authentication credentials invalid", last_error_at=TUESDAY_10
    )
    with time_machine.travel(LATER, tick=False):
        page = _inbox_page(admin_client, inbox)
    assert 'id="inbox-health"' in page
    assert "2 sent + 0 reserved of 5" in page
    assert f"#{email.pk} step 1" in page  # today's reservations
    assert email.recipient in page
    assert "535 5.7.8 Authentication credentials invalid" in page
    assert "bounced: user unknown" in page
    assert "porto-1: bounce rate over the last 7 days against the pause threshold" in page
    assert "porto-1: complaint rate over the last 7 days against the pause threshold" in page
    assert 'id="pause-inbox"' in page


@pytest.mark.django_db
def test_the_inbox_page_shows_the_complaint_rate_in_percent(admin_client: Client) -> None:
    inbox = InboxFactory(key="faro-1", complaint_rate=0.004, bounce_sample=250)

    page = _inbox_page(admin_client, inbox)

    assert "0.40% of 250 sends" in page
    assert "complaint rate: 0.40% of 250 sends" in page  # the meter's bar, as its tooltip


@pytest.mark.django_db
def test_pause_and_resume_from_the_inbox_page(admin_client: Client) -> None:
    inbox = InboxFactory()
    url = f"/admin/ops/inboxes/{inbox.pk}"
    response = admin_client.post(f"{url}/pause/", {"reason": "bounces from gmail"})
    assert response.status_code == 302
    inbox.refresh_from_db()
    assert (inbox.status, inbox.pause_reason) == ("paused", "bounces from gmail")
    assert 'id="resume-inbox"' in _inbox_page(admin_client, inbox)
    admin_client.post(f"{url}/resume/")
    inbox.refresh_from_db()
    assert inbox.status == "active"
    actions = list(
        AuditLog.objects.filter(object_id=str(inbox.pk)).values_list("action", "actor_label")
    )
    assert ("inbox_paused", "admin") in actions
    assert ("inbox_resumed", "admin") in actions


@pytest.mark.django_db
def test_inbox_actions_are_posts_only(admin_client: Client) -> None:
    inbox = InboxFactory()
    assert admin_client.get(f"/admin/ops/inboxes/{inbox.pk}/pause/").status_code == 405
    inbox.refresh_from_db()
    assert inbox.status == "active"


# --- dead letters -----------------------------------------------------------------------------
def _enrichment_letter() -> DeadLetter:
    return deadletter_create(
        kind=DeadLetter.Kind.ENRICHMENT,
        error="FetchError: http://hotel.example/: no answer within 10 s",
        task_name="prospects.tasks.enrich_prospect",
        payload={"args": [41]},
        attempts=3,
    )


def _delivery_unknown() -> tuple[OutboundEmail, DeadLetter]:
    """An email whose sender died mid-send and that is not in the Sent folder."""
    _, (enrollment,) = sent_step_one()
    email = first_email(enrollment)
    OutboundEmail.objects.filter(pk=email.pk).update(
        status="sending", sent_at=None, lease_until=timezone.now() - timedelta(minutes=1),
        message_id="<never-sent@sender.example>",
    )  # fmt: skip
    reconcile_expired()
    return email, DeadLetter.objects.get(kind=DeadLetter.Kind.DELIVERY_UNKNOWN)


@pytest.mark.django_db
def test_dead_letters_are_grouped_by_kind_with_error_and_payload(admin_client: Client) -> None:
    _enrichment_letter()
    _, unknown = _delivery_unknown()
    page = admin_client.get("/admin/jengu/deadletter/").content.decode()
    assert 'data-kind="enrichment"' in page and 'data-kind="delivery_unknown"' in page
    assert "FetchError: http://hotel.example/: no answer within 10 s" in page
    assert "&quot;args&quot;: [\n    41\n  ]" in page  # the payload, laid out
    # An unknown delivery is decided with "assume delivered" or "send again", not "replay".
    assert f"/admin/ops/dead-letters/{unknown.pk}/assume_delivered/" in page
    assert f"/admin/ops/dead-letters/{unknown.pk}/send_again/" in page
    assert f"/admin/ops/dead-letters/{unknown.pk}/replay/" not in page


@pytest.mark.django_db(transaction=True)
def test_replaying_a_dead_letter_asks_first_then_requeues_its_task(admin_client: Client) -> None:
    letter = _enrichment_letter()
    url = f"/admin/ops/dead-letters/{letter.pk}/replay/"
    page = admin_client.get(url).content.decode()
    assert "Replay dead letter" in page and "FetchError" in page
    admin_client.post(url)  # no confirmation: nothing happens
    letter.refresh_from_db()
    assert not letter.is_resolved
    admin_client.post(url, {"confirmed": "yes"})
    letter.refresh_from_db()
    assert letter.resolution == DeadLetter.Resolution.REPLAYED
    assert letter.resolved_by.username == "admin"
    queued = [row.task for row in OrmQ.objects.all()]
    assert any(
        t["func"] == "prospects.tasks.enrich_prospect" and t["args"] == (41,) for t in queued
    )


@pytest.mark.django_db
def test_discarding_a_dead_letter_closes_it(admin_client: Client) -> None:
    letter = _enrichment_letter()
    admin_client.post(f"/admin/ops/dead-letters/{letter.pk}/discard/", {"confirmed": "yes"})
    letter.refresh_from_db()
    assert letter.resolution == DeadLetter.Resolution.DISCARDED


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("action", "status", "resolution"),
    [("assume_delivered", "sent", "assumed_delivered"), ("send_again", "queued", "sent_again")],
)
def test_delivery_unknown_is_assumed_delivered_or_sent_again(
    admin_client: Client, action: str, status: str, resolution: str
) -> None:
    email, letter = _delivery_unknown()
    admin_client.post(f"/admin/ops/dead-letters/{letter.pk}/{action}/", {"confirmed": "yes"})
    email.refresh_from_db()
    letter.refresh_from_db()
    assert email.status == status
    assert letter.resolution == resolution


@pytest.mark.django_db
def test_a_letter_cannot_be_decided_twice_or_the_wrong_way(admin_client: Client) -> None:
    email, letter = _delivery_unknown()
    response = admin_client.post(
        f"/admin/ops/dead-letters/{letter.pk}/replay/", {"confirmed": "yes"}, follow=True
    )
    assert "cannot be replay now" in response.content.decode()
    letter.refresh_from_db()
    assert not letter.is_resolved
    admin_client.post(f"/admin/ops/dead-letters/{letter.pk}/discard/", {"confirmed": "yes"})
    admin_client.post(f"/admin/ops/dead-letters/{letter.pk}/send_again/", {"confirmed": "yes"})
    letter.refresh_from_db()
    email.refresh_from_db()
    assert letter.resolution == "discarded"
    assert email.status == "unknown"


@pytest.mark.django_db
def test_the_bulk_actions_confirm_before_they_act(admin_client: Client) -> None:
    letter = _enrichment_letter()
    data = {"action": "discard", "_selected_action": [str(letter.pk)]}
    page = admin_client.post("/admin/jengu/deadletter/", data).content.decode()
    assert "Discard 1 dead letter(s)?" in page
    letter.refresh_from_db()
    assert not letter.is_resolved
    admin_client.post("/admin/jengu/deadletter/", {**data, "post": "yes"})
    letter.refresh_from_db()
    assert letter.resolution == "discarded"


# --- the prospect timeline ------------------------------------------------------------------
@pytest.mark.django_db
def test_the_prospect_page_threads_emails_and_tells_what_happened(
    admin_client: Client, admin_user: Any
) -> None:
    inbox, (enrollment,) = sent_step_one()
    email = first_email(enrollment)
    prospect = enrollment.prospect
    InboundMessage.objects.create(
        inbox=inbox, kind="reply", intent="meeting_request", confidence=0.9, received_at=LATER,
        prospect=prospect, matched_outbound=email, from_address=email.recipient,
        subject=f"Re: {email.subject}", body_text="Could we talk on Tuesday?",
        headers={"In-Reply-To": email.message_id},
    )  # fmt: skip
    prospect.refresh_from_db()
    with time_machine.travel(LATER + timedelta(minutes=1), tick=False):
        prospect_set_stage(prospect=prospect, stage="meeting", reason="meeting requested")
    with time_machine.travel(LATER + timedelta(minutes=2), tick=False):
        audit_record(action="prospect_merged", actor=admin_user, obj=prospect)
        page = admin_client.get(f"/admin/prospects/prospect/{prospect.pk}/change/").content.decode()
    thread = page.split(f'id="thread-enrollment-{enrollment.pk}"', 1)[1].split('id="timeline"')[0]
    assert thread.index(f'id="out-{email.pk}"') < thread.index('id="in-')  # ours, then theirs
    assert "Could we talk on Tuesday?" in thread
    assert "meeting request 90%" in thread
    assert f"{enrollment.campaign}: active" in thread  # how its sequence stands
    timeline = page.split('id="timeline"', 1)[1]
    assert "Stage contacted → meeting: meeting requested" in timeline
    assert f"Email sent (step 1) from {inbox.key} to {email.recipient}" in timeline
    assert "prospect merged" in timeline and "by admin" in timeline
    newest_first = ["prospect merged", "Stage contacted", "Reply from", "Email sent", "Enrolled"]
    positions = [timeline.index(text) for text in newest_first]
    assert positions == sorted(positions)
