"""Signed webhook alerts, the reply-check fan-out, inspect_message, and inbound dead letters."""

from __future__ import annotations

import hashlib
import hmac
import json
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command
from django_q.conf import Conf

from core.models import Alert, DeadLetter
from outreach.services.reader import check_inbox
from tests.inbound import messages as m
from tests.outreach.helpers import TUESDAY_10
from tests.servers.http import HTTPTestServer, Response

pytestmark = pytest.mark.django_db
BOUNCES = Path(__file__).parent.parent / "fixtures" / "bounces"


@pytest.fixture
def sync_tasks(monkeypatch):
    monkeypatch.setattr(Conf, "SYNC", True)


@pytest.fixture
def webhook():
    with HTTPTestServer() as server:
        server.route("POST", r"/hook", lambda req: Response(200, {"ok": True}))
        yield server


def test_a_meeting_request_posts_a_signed_alert(
    world, webhook, settings, sync_tasks, django_capture_on_commit_callbacks
) -> None:
    settings.JENGU = {
        **settings.JENGU,
        "ALERT_WEBHOOK_URL": f"{webhook.url}/hook",
        "ALERT_WEBHOOK_SECRET": "webhook-secret-123",
    }
    ours = world.sent[world.a.contact_id]
    world.imap.append(
        world.user.name,
        m.plain_reply(
            frm=ours.recipient,
            to=world.inbox.address,
            subject=ours.subject,
            in_reply_to=ours.message_id,
            body="Happy to talk. Can we schedule a call Thursday?",
        ),
    )
    with django_capture_on_commit_callbacks(execute=True), time_machine.travel(TUESDAY_10):
        check_inbox(world.inbox.pk)
    (request,) = webhook.requests
    body = json.loads(request.body)
    assert body["kind"] == "meeting_request" and ours.recipient in body["title"]
    timestamp = request.headers["x-jengu-timestamp"]
    expected = hmac.new(
        b"webhook-secret-123", timestamp.encode() + b"." + request.body, hashlib.sha256
    ).hexdigest()
    assert request.headers["x-jengu-signature"] == f"sha256={expected}"
    assert Alert.objects.get(kind="meeting_request").delivery == "delivered"


def test_a_failing_webhook_is_retried_then_dead_lettered(settings) -> None:
    from core import alerts
    from core.tasks import deliver_alert

    with HTTPTestServer() as server:
        server.route("POST", r"/hook", lambda req: Response(500, {"error": "down"}))
        settings.JENGU = {**settings.JENGU, "ALERT_WEBHOOK_URL": f"{server.url}/hook"}
        alert = Alert.objects.create(kind="interested", title="Interested reply")
        for _ in range(alerts.MAX_ATTEMPTS):
            deliver_alert(alert.pk)
        assert len(server.requests) == alerts.MAX_ATTEMPTS
    alert.refresh_from_db()
    assert alert.delivery == "failed"
    letter = DeadLetter.objects.get(kind="alert")
    assert letter.task_name == "core.tasks.deliver_alert" and letter.payload == {"args": [alert.pk]}


def test_slack_urls_get_a_slack_payload() -> None:
    alert = Alert(kind="meeting_request", title="Meeting", body="Thursday?")
    assert alerts_payload(alert, "https://hooks.slack.com/services/T/B/X") == {
        "text": "*Meeting*\nThursday?"
    }
    assert "content" in alerts_payload(alert, "https://discord.com/api/webhooks/1/abc")


def alerts_payload(alert, url):
    from core.alerts import payload_for

    return payload_for(alert, url)


def test_check_replies_fans_out_one_task_per_readable_inbox(world, sync_tasks) -> None:
    from outreach.tasks import check_replies
    from tests.factories import InboxFactory

    InboxFactory(provider="smtp", imap_host="")  # no reader: skipped
    assert check_replies() == "checking 1 inbox(es)"


def test_inspect_message_json_changes_nothing(capsys) -> None:
    files = sorted(BOUNCES.glob("postfix-*.eml"))[:2] + sorted(BOUNCES.glob("autoreply-*.eml"))[:1]
    call_command("inspect_message", *map(str, files), "--json")
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["file"] for r in rows] == list(map(str, files))
    keys = {
        "file",
        "kind",
        "reason",
        "consequence",
        "recipient",
        "status",
        "diagnostic",
        "original_message_id",
        "intent",
        "confidence",
    }
    assert all(keys <= set(r) for r in rows)
    assert rows[0]["kind"] == "bounce" and rows[0]["consequence"]
    assert rows[2]["kind"] == "auto_reply" and rows[2]["intent"] == "out_of_office"
    assert not DeadLetter.objects.exists() and not Alert.objects.exists()


def test_inspect_message_human_reply_gets_an_intent(tmp_path, capsys) -> None:
    path = tmp_path / "reply.eml"
    path.write_bytes(
        m.plain_reply(
            frm="gm@hotel.example",
            to="me@sender.example",
            subject="Hi",
            body="Please remove me from your list.",
        )
    )
    call_command("inspect_message", str(path), "--json")
    row = json.loads(capsys.readouterr().out)
    assert row["kind"] in ("reply", "unsubscribe") and row["intent"] == "unsubscribe"


def test_a_maildir_inbox_that_sent_before_it_was_read_is_read(settings) -> None:
    from inboxes.clients import transport_for
    from inboxes.clients.maildir import inbox_path, open_maildir
    from outreach.models import InboundMessage
    from tests.factories import InboxFactory

    inbox = InboxFactory()
    transport_for(inbox).send(
        raw=b"Subject: x\r\n\r\nhi\r\n", mail_from=inbox.address, recipients=["a@b.example"]
    )  # creates <inbox>/.Sent only
    assert check_inbox(inbox.pk)["fetched"] == 0  # a folder without new/ is not an error
    open_maildir(inbox_path(inbox)).add(
        m.plain_reply(frm="gm@hotel.example", to=inbox.address, subject="Hi", body="Stop")
    )
    assert check_inbox(inbox.pk)["stored"] == 1
    assert check_inbox(inbox.pk)["fetched"] == 0  # moved to cur/, read once
    assert InboundMessage.objects.get().inbox_id == inbox.pk


def test_a_graph_mailbox_is_read_incrementally(graph_server, settings) -> None:
    from outreach.models import InboundMessage
    from tests.factories import InboxFactory

    env = graph_server.env()
    settings.AZURE_TENANT_ID, settings.AZURE_CLIENT_ID = (
        env["AZURE_TENANT_ID"],
        env["AZURE_CLIENT_ID"],
    )
    settings.AZURE_CLIENT_SECRET = env["AZURE_CLIENT_SECRET"]
    settings.JENGU = {
        **settings.JENGU,
        "AZURE_AUTHORITY_HOST": env["AZURE_AUTHORITY_HOST"],
        "GRAPH_BASE_URL": env["GRAPH_BASE_URL"],
        "GRAPH_CA_FILE": graph_server.ca_file,
    }
    inbox = InboxFactory(provider="graph", address=env["AZURE_MAIL_FROM"])
    for n in range(3):
        graph_server.deliver_to_inbox(
            inbox.address,
            m.plain_reply(
                frm=f"gm{n}@hotel.example",
                to=inbox.address,
                subject="Hi",
                body="Interested",
                msgid=f"<g{n}@hotel.example>",
            ),
        )
    assert check_inbox(inbox.pk)["stored"] == 3
    graph_server.deliver_to_inbox(
        inbox.address,
        m.plain_reply(
            frm="late@hotel.example",
            to=inbox.address,
            subject="Hi",
            body="Tell me more",
            msgid="<g9@hotel.example>",
        ),
    )
    result = check_inbox(inbox.pk)
    assert result["stored"] == 1
    assert InboundMessage.objects.filter(inbox=inbox).count() == 4
