"""Shadow mode (JENGU_SHADOW=true) and ``manage.py shadow_report``: the parallel run."""

from __future__ import annotations

import json
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
import time_machine
from django.core.management import CommandError, call_command

from inboxes.models import InboxDay
from outreach.models import Enrollment, OutboundEmail, ShadowSend
from outreach.services import run_send_pass
from tests.migration.helpers import D1, MARIA, export_copy, later_email, run_import
from tests.outreach.helpers import TUESDAY_10, enrolled, parsed, smtp_inbox

pytestmark = pytest.mark.django_db


@pytest.fixture
def shadow(settings):
    settings.JENGU = {**settings.JENGU, "SHADOW": True}
    return settings


def test_shadow_mode_records_what_would_go_out_and_sends_nothing(smtp_server, shadow) -> None:
    with time_machine.travel(TUESDAY_10, tick=False):
        inbox = smtp_inbox(smtp_server, shadow)
        (enrollment,) = enrolled()
        report = run_send_pass()

    assert (report.sent, report.failed, report.outcomes) == (0, 0, {"shadow": 1})
    assert smtp_server.messages == []
    record = ShadowSend.objects.get()
    email = OutboundEmail.objects.get()
    assert (record.recipient, record.step, record.inbox_id) == (email.recipient, 1, inbox.pk)
    assert (record.from_address, record.at) == (inbox.address, TUESDAY_10)
    assert record.message_id == email.message_id and record.subject == email.subject
    assert (email.status, email.attempts) == ("queued", 0)
    assert email.send_after == TUESDAY_10 + timedelta(days=1)
    enrollment.refresh_from_db()
    assert (enrollment.current_step, enrollment.status) == (0, "active")
    assert enrollment.prospect.stage == "ready"  # never advanced
    day = InboxDay.objects.get(inbox=inbox)
    assert (day.reserved, day.sent) == (0, 0)  # the warmup slot was given back


def test_shadow_mode_records_an_email_once_a_day_then_it_goes_out_for_real(
    smtp_server, shadow
) -> None:
    with time_machine.travel(TUESDAY_10, tick=False) as clock:
        smtp_inbox(smtp_server, shadow)
        enrolled()
        run_send_pass()
        run_send_pass()
        assert ShadowSend.objects.count() == 1
        clock.move_to(TUESDAY_10 + timedelta(days=1))
        run_send_pass()
        assert ShadowSend.objects.count() == 2
        shadow.JENGU = {**shadow.JENGU, "SHADOW": False}
        clock.move_to(TUESDAY_10 + timedelta(days=2))
        assert run_send_pass().sent == 1

    recorded = set(ShadowSend.objects.values_list("message_id", flat=True))
    assert len(recorded) == 1  # the same email, recorded twice: its Message-ID never changed
    (message,) = smtp_server.messages
    assert parsed(message.raw)["Message-ID"] in recorded
    assert Enrollment.objects.get().current_step == 1


def _report(folder: Path, *args: str) -> dict:
    out = StringIO()
    call_command("shadow_report", str(folder), "--json", *args, stdout=out)
    return json.loads(out.getvalue())


@pytest.fixture
def parallel_week(smtp_server, shadow, tmp_path):
    """The old system's export imported on Tuesday, then shadow mode until Thursday, when
    Jengu would have sent Maria's step 2 and step 1 to a prospect of its own."""
    folder = export_copy(tmp_path, D1)
    with time_machine.travel(TUESDAY_10, tick=False) as clock:
        smtp_inbox(smtp_server, shadow, address="edd@jengu-mail.example")
        run_import(folder)
        clock.move_to(TUESDAY_10 + timedelta(days=2))
        (own,) = enrolled()
        run_send_pass()
    return folder, own.contact.email


def test_shadow_report_compares_both_systems_over_the_same_period(parallel_week) -> None:
    folder, own = parallel_week
    thursday = "2026-12-03T10:30:00.000Z"
    fresh = folder / "d1" / "zz-later.sql"
    fresh.write_text(
        later_email(id="later-1", to_email=MARIA, from_email="edd@jengu-mail.example",
                    subject="Re: Quick question", body="...", message_id="<old-2@jengu-mail.example>",
                    direction="outbound", status="sent", sent_at=thursday)
        + later_email(id="later-2", to_email="rui@farobeachlodge.example",
                      from_email="edd@jengu-mail.example", subject="Hello", body="...",
                      message_id="<old-3@jengu-mail.example>", direction="outbound",
                      status="sent", sent_at=thursday)
    )  # fmt: skip

    with time_machine.travel(TUESDAY_10 + timedelta(days=3), tick=False):
        report = _report(folder)

    assert [o["recipient"] for o in report["overlaps"]] == [MARIA]
    (overlap,) = report["overlaps"]
    assert [i["step"] for i in overlap["jengu"]] == [2]
    assert overlap["legacy"][0]["message_id"] == "<old-2@jengu-mail.example>"
    assert overlap["sender_differs"] is False
    assert [i["recipient"] for i in report["only_jengu"]] == [own]
    assert [i["recipient"] for i in report["only_legacy"]] == ["rui@farobeachlodge.example"]
    assert report["suppressed"] == []


def test_shadow_report_fails_when_a_suppressed_address_would_have_been_mailed(
    parallel_week,
) -> None:
    folder, own = parallel_week
    (folder / "d1" / "zz-later.sql").write_text(
        'INSERT INTO "email_exclusions" ("id","email","domain","reason","added_by","created_at") '
        f"VALUES('x-9','{own}',NULL,'unsubscribed by phone','edd','2026-12-02 12:00:00');\n"
    )

    out = StringIO()
    with (
        time_machine.travel(TUESDAY_10 + timedelta(days=3), tick=False),
        pytest.raises(CommandError, match="1 suppressed address"),
    ):
        call_command("shadow_report", str(folder), stdout=out)

    assert f"{own}: excluded in the old system (unsubscribed by phone)" in out.getvalue()


def test_shadow_sends_are_listed_read_only_in_the_admin(smtp_server, shadow, admin_client) -> None:
    with time_machine.travel(TUESDAY_10, tick=False):
        smtp_inbox(smtp_server, shadow)
        (enrollment,) = enrolled()
        run_send_pass()
    record = ShadowSend.objects.get()

    page = admin_client.get("/admin/outreach/shadowsend/")
    assert page.status_code == 200
    assert enrollment.contact.email in page.content.decode()
    assert admin_client.get("/admin/outreach/shadowsend/add/").status_code == 403
    detail = admin_client.get(f"/admin/outreach/shadowsend/{record.pk}/change/")
    assert detail.status_code == 200 and 'name="_save"' not in detail.content.decode()
