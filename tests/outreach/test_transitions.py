"""The outbound email's state machine: every transition of the table applies once from each of
its from-states, and is refused (row unchanged) from every other state. Cases come from
``outreach.transitions.TRANSITIONS`` itself, so the table and its tests cannot drift apart."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import time_machine

from outreach import transitions
from outreach.models import OutboundEmail
from tests.factories import EnrollmentFactory, InboxFactory

pytestmark = pytest.mark.django_db

BEFORE = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
AFTER = BEFORE + timedelta(hours=1)
TOKEN = uuid.uuid4()
STATES = list(OutboundEmail.Status.values)
Call = Callable[[int, uuid.UUID], Any]


def _claim(pk: int, token: uuid.UUID) -> Any:
    inbox = InboxFactory()
    return transitions.claim(
        pk, token=token, inbox_id=inbox.pk, lease_until=AFTER, reserved_day=date(2026, 12, 1),
        attempts=1, from_address=inbox.address, message_id=f"<claimed-{pk}@x.example>", now=AFTER,
    )  # fmt: skip


def _rows(pk: int) -> Any:
    return OutboundEmail.objects.filter(pk=pk)


# One call per named transition, with the arguments its callers pass.
CALLS: dict[str, Call] = {
    "claim": _claim,
    "mark_sent": lambda pk, t: transitions.mark_sent(pk, token=t, now=AFTER, provider_id="p-1"),
    "mark_bounced": lambda pk, t: transitions.mark_bounced(
        pk, token=t, reason="user_unknown", error="550 5.1.1"
    ),
    "mark_failed": lambda pk, t: transitions.mark_failed(pk, token=t, error="gave up"),
    "requeue": lambda pk, t: transitions.requeue(pk, token=t, error="421", send_after=AFTER),
    "shadow_requeue": lambda pk, t: transitions.shadow_requeue(
        pk, token=t, send_after=AFTER, attempts=0, note="shadow"
    ),
    "mark_unknown": lambda pk, t: transitions.mark_unknown(lease_before=AFTER, error="expired"),
    "assume_delivered": lambda pk, t: transitions.assume_delivered(pk, now=AFTER),
    "send_again": lambda pk, t: transitions.send_again(pk, now=AFTER, error="again"),
    "replay": lambda pk, t: transitions.replay(pk, now=AFTER, error="replayed"),
    "bounce_sent": lambda pk, t: transitions.bounce_sent(pk, reason="dsn"),
    "approve": lambda pk, t: transitions.approve(pk, now=AFTER, reviewer_id=None),
    "reject": lambda pk, t: transitions.reject(pk, now=AFTER, reviewer_id=None, reason="tone"),
    "cancel": lambda pk, t: transitions.cancel(_rows(pk), error="suppressed"),
    "cancel_unsent": lambda pk, t: transitions.cancel_unsent(_rows(pk), error="legacy"),
    "import_sent": lambda pk, t: transitions.import_over(pk, status="sent", sent_at=AFTER),
    "import_bounced": lambda pk, t: transitions.import_over(pk, status="bounced", sent_at=AFTER),
}

ALLOWED = [(name, s) for name, t in transitions.TRANSITIONS.items() for s in t.sources]
REFUSED = [
    (name, s) for name, t in transitions.TRANSITIONS.items() for s in STATES if s not in t.sources
]


def _email(status: str, **fields: Any) -> OutboundEmail:
    enrollment = EnrollmentFactory()
    with time_machine.travel(BEFORE, tick=False):
        return OutboundEmail.objects.create(**{
            "enrollment": enrollment, "step": 1, "prospect": enrollment.prospect,
            "contact": enrollment.contact, "recipient": enrollment.contact.email,
            "message_id": f"<{uuid.uuid4().hex}@sender.example>", "status": status,
            "send_after": BEFORE, "claim_token": TOKEN, "lease_until": BEFORE,
            "reserved_day": date(2026, 12, 1), "attempts": 1, **fields,
        })  # fmt: skip


def _snapshot(pk: int) -> dict[str, Any]:
    return OutboundEmail.objects.filter(pk=pk).values().get()


def test_every_named_transition_has_a_call_and_every_state_is_known() -> None:
    assert set(CALLS) == set(transitions.TRANSITIONS)
    for t in transitions.TRANSITIONS.values():
        assert set(t.sources) <= set(STATES) and t.target in STATES
        assert t.target not in t.sources  # so "applies once" is meaningful


@pytest.mark.parametrize(("name", "source"), ALLOWED)
def test_an_allowed_transition_applies_once(name: str, source: str) -> None:
    email = _email(source)

    with time_machine.travel(AFTER, tick=False):
        first = CALLS[name](email.pk, TOKEN)
        second = CALLS[name](email.pk, TOKEN)

    row = OutboundEmail.objects.get(pk=email.pk)
    assert first and not second
    assert row.status == transitions.TRANSITIONS[name].target
    assert row.updated_at == AFTER != email.updated_at


@pytest.mark.parametrize(("name", "source"), REFUSED)
def test_a_transition_from_any_other_state_is_refused(name: str, source: str) -> None:
    email = _email(source)
    before = _snapshot(email.pk)

    with time_machine.travel(AFTER, tick=False):
        applied = CALLS[name](email.pk, TOKEN)

    assert not applied
    assert _snapshot(email.pk) == before


@pytest.mark.parametrize(
    ("name", "source"), [(n, s) for n, s in ALLOWED if transitions.TRANSITIONS[n].token]
)
def test_only_the_claims_holder_may_settle(name: str, source: str) -> None:
    email = _email(source)
    before = _snapshot(email.pk)

    assert not CALLS[name](email.pk, uuid.uuid4())
    assert _snapshot(email.pk) == before
    with pytest.raises(ValueError, match="claim token"):
        transitions.move(name, _rows(email.pk))


def test_an_expired_lease_only_becomes_unknown_once_it_has_expired() -> None:
    running = _email("sending", lease_until=AFTER + timedelta(minutes=5))
    expired = _email("sending", lease_until=AFTER - timedelta(minutes=5))

    assert transitions.mark_unknown(lease_before=AFTER, error="lease expired") == 1

    assert OutboundEmail.objects.get(pk=running.pk).status == "sending"
    assert OutboundEmail.objects.get(pk=expired.pk).status == "unknown"


def test_the_legacy_import_never_replaces_an_imported_email() -> None:
    email = _email("queued", legacy=True)

    assert not transitions.import_over(email.pk, status="sent", sent_at=AFTER)
    assert OutboundEmail.objects.get(pk=email.pk).status == "queued"


def test_the_admin_shows_the_status_but_cannot_change_it(admin_client) -> None:
    email = _email("queued")
    url = f"/admin/outreach/outboundemail/{email.pk}/change/"

    page = admin_client.get(url).content.decode()
    form = {
        "enrollment": email.enrollment_id, "step": 1, "prospect": email.prospect_id,
        "contact": email.contact_id, "inbox": "", "recipient": email.recipient,
        "from_address": "", "subject": "Edited", "body_text": "", "body_html": "",
        "send_after_0": "2026-12-01", "send_after_1": "09:00:00", "strategy": "",
        "status": "sent",
    }  # fmt: skip
    saved = admin_client.post(url, form)

    assert 'name="status"' not in page and "Queued" in page
    assert saved.status_code == 302  # the form was valid and saved...
    email.refresh_from_db()
    assert (email.subject, email.status) == ("Edited", "queued")  # ...without the status
