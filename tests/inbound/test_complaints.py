"""Complaints that are not ARF: inspect_message names them, and arriving in an inbox they suppress
the address, count toward the inbox's complaint rate and, past 0.3% of 200+ sends, pause it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from compliance.models import Suppression
from core.models import Alert
from inboxes.models import Inbox, InboxDay
from outreach.models import Enrollment, InboundMessage
from tests.inbound.conftest import World
from tests.inboxes.test_message_kinds import OTHERS

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "bounces"
NOT_ARF = sorted(name for name, kind in OTHERS.items() if "not_arf" in kind.flags)
LOOK_ALIKES = sorted(name for name in OTHERS if name.startswith("lookalike-"))


def test_inspect_message_reports_non_arf_complaints_with_the_original_message_id(
    capsys: pytest.CaptureFixture[str],
) -> None:
    call_command("inspect_message", *(str(CORPUS / n) for n in NOT_ARF + LOOK_ALIKES), "--json")

    rows = {
        Path(r["file"]).name: r for r in map(json.loads, capsys.readouterr().out.split("\n")[:-1])
    }
    for name in NOT_ARF:
        expected = OTHERS[name]
        assert rows[name]["kind"] == "complaint", name
        assert rows[name]["original_message_id"] == expected.original_message_id
        assert rows[name]["recipient"] == expected.recipient
        assert rows[name]["intent"] is None
    for name in LOOK_ALIKES:
        assert rows[name]["kind"] != "complaint", name


def _report_about(world: World, name: str) -> tuple[bytes, Any]:
    """The corpus sample, rewritten to be about the email we sent ``world.b``'s contact."""
    ours = world.sent[world.b.contact_id]
    expected = OTHERS[name]
    raw = (CORPUS / name).read_bytes()
    raw = raw.replace(expected.original_message_id.encode(), ours.message_id.encode())
    if expected.recipient:
        raw = raw.replace(expected.recipient.encode(), ours.recipient.encode())
    return raw, ours


@pytest.mark.django_db
@pytest.mark.parametrize("name", NOT_ARF)
def test_a_non_arf_complaint_suppresses_at_once_and_counts_on_the_inbox(
    maildir_world: World, name: str, api: APIClient
) -> None:
    raw, ours = _report_about(maildir_world, name)
    maildir_world.deliver(raw)

    assert maildir_world.check()["stored"] == 1

    msg = InboundMessage.objects.get()
    assert (msg.kind, msg.matched_outbound_id) == ("complaint", ours.pk)
    suppression = Suppression.objects.get(email=ours.recipient)
    assert suppression.reason == "complaint"
    assert Enrollment.objects.get(pk=maildir_world.b.pk).status == "unsubscribed"
    assert Enrollment.objects.get(pk=maildir_world.a.pk).status == "active"
    day = InboxDay.objects.get(inbox=maildir_world.inbox)
    assert (day.sent, day.complaints, day.bounced) == (3, 1, 0)
    row = next(
        r for r in api.get("/api/status/inboxes").json()["inboxes"] if r["id"] == msg.inbox_id
    )
    assert (row["complaint_rate"], row["complaint_sample"]) == (0.33333, 3)
    assert row["status"] == "active"  # 3 sends: far below the 200 the pause needs


@pytest.mark.django_db
@pytest.mark.parametrize(("sends", "status"), [(199, "active"), (250, "paused"), (400, "active")])
def test_non_arf_complaints_over_the_line_pause_the_inbox_with_an_alert(
    maildir_world: World, sends: int, status: str
) -> None:
    # The 3 emails of the fixture plus earlier sends today: 1 complaint in 250 is 0.4%.
    InboxDay.objects.filter(inbox=maildir_world.inbox).update(sent=sends)
    raw, _ = _report_about(maildir_world, "complaint-05-abuse-desk-forward.eml")
    maildir_world.deliver(raw)

    maildir_world.check()

    inbox = Inbox.objects.get(pk=maildir_world.inbox.pk)
    assert inbox.status == status
    assert Alert.objects.filter(kind=Alert.Kind.INBOX_PAUSED).exists() == (status == "paused")
    if status == "paused":
        assert inbox.pause_reason.startswith("Complaint rate 0.40% is above 0.3%")
