"""Races of the approval queue on PostgreSQL: senders claiming while an operator approves never
take a draft that was not approved, and two operators approving the same draft: one wins."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.db import close_old_connections, connection

from outreach.models import OutboundEmail
from outreach.services import claim_next
from outreach.services.approval import approval_approve
from outreach.services.messages import new_message_id
from tests.factories import CampaignFactory, EnrollmentFactory, InboxFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
NOW = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


def _awaiting(n: int) -> list[int]:
    campaign = CampaignFactory(review_first_emails=True)
    ids = []
    for _ in range(n):
        e = EnrollmentFactory(campaign=campaign, next_send_at=NOW)
        ids.append(
            OutboundEmail.objects.create(
                enrollment=e, step=1, prospect=e.prospect, contact=e.contact,
                recipient=e.contact.email, subject="Guest emails", body_text="Hello",
                message_id=new_message_id("sender.example"),
                status=OutboundEmail.Status.AWAITING_APPROVAL, send_after=NOW - timedelta(hours=1),
            ).pk
        )  # fmt: skip
    return ids


def _run(targets: list[Callable[[], None]]) -> None:
    barrier = threading.Barrier(len(targets))
    errors: list[BaseException] = []

    def wrap(target: Callable[[], None]) -> None:
        try:
            barrier.wait(timeout=30)
            target()
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)
        finally:
            connection.close()
            close_old_connections()

    threads = [threading.Thread(target=wrap, args=(t,)) for t in targets]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads)
    assert not errors, errors


def test_senders_claiming_during_approvals_only_take_approved_drafts(
    settings: Any, admin_user: Any
) -> None:
    settings.JENGU = {**settings.JENGU, "SEND_HOURS": "0-24", "SEND_DAYS": "mon-sun"}
    inboxes = [InboxFactory(warmup_schedule="500", warmup_start=NOW.date()) for _ in range(3)]
    ids = _awaiting(40)
    approved_ids = ids[::2]  # the odd ones are never approved
    done = threading.Event()
    claimed: list[int] = []

    def approver() -> None:
        for pk in approved_ids:
            approval_approve(email_ids=[pk], user=admin_user)
        done.set()

    def sender(inbox_id: int) -> Callable[[], None]:
        def run() -> None:
            while True:
                finished = done.is_set()  # read before claiming: one more pass after the end
                while claim := claim_next(inbox_id=inbox_id, now=NOW):
                    claimed.append(claim.email_id)
                if finished:
                    return

        return run

    _run([approver, *(sender(i.pk) for i in inboxes)])

    statuses = dict(OutboundEmail.objects.values_list("pk", "status"))
    assert sorted(claimed) == sorted(approved_ids)  # each approved draft claimed exactly once
    assert {statuses[pk] for pk in approved_ids} == {"sending"}
    assert {statuses[pk] for pk in ids[1::2]} == {"awaiting_approval"}


def test_two_operators_approving_the_same_draft_one_wins(admin_user: Any) -> None:
    (pk,) = _awaiting(1)
    results: list[Any] = []

    def approve() -> None:
        results.append(approval_approve(email_ids=[pk], user=admin_user))

    _run([approve] * 4)

    assert sorted(len(r.done) for r in results) == [0, 0, 0, 1]
    losers = [r.skipped[pk] for r in results if not r.done]
    assert losers == ["no longer awaiting approval (queued)"] * 3
    assert OutboundEmail.objects.get(pk=pk).status == "queued"
