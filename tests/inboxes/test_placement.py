"""Inbox-placement tests end to end: each inbox's SMTP server hands its mail to Dovecot's LDA,
a Sieve rule files one sender's mail into Junk and drops everything to one seed, and the test
reads the seeds over IMAP as an operator's run would."""

from __future__ import annotations

import io
import itertools
import json
import secrets
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.db.models import Sum
from django.test import Client
from django.utils import timezone
from django_q.models import OrmQ, Schedule

from core.models import Alert
from inboxes import tasks
from inboxes.models import Inbox, InboxDay, PlacementResult, PlacementRun
from inboxes.services.placement import placement_send, placement_start
from inboxes.services.placement_check import placement_check
from tests.factories import InboxFactory
from tests.servers import certs
from tests.servers.imap import DovecotNotInstalled
from tests.servers.lda import SieveDovecotServer
from tests.servers.smtp import SMTPTestServer

pytestmark = pytest.mark.django_db
SPAMMY = "spammy@sender.test"
SIEVE = f"""require ["fileinto"];
if address :localpart :is "to" "blackhole" {{ discard; stop; }}
if address :is "from" "{SPAMMY}" {{ fileinto "Junk"; stop; }}
"""
_numbers = itertools.count(1)


@pytest.fixture(scope="module")
def mailhost() -> Iterator[SieveDovecotServer]:
    server = SieveDovecotServer(SIEVE)
    try:
        server.start()
    except DovecotNotInstalled as exc:
        pytest.fail(f"{exc} The placement tests need a real Dovecot.", pytrace=False)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def seeds(
    mailhost: SieveDovecotServer, monkeypatch: pytest.MonkeyPatch, settings: Any
) -> list[str]:
    """Three seed mailboxes in SEED_MAILBOX_1..3; the third (blackhole) never gets mail."""
    settings.JENGU = {**settings.JENGU, "SMTP_CA_FILE": certs.ca_file()}
    n = next(_numbers)
    names = [f"gmail{n}@seeds.test", f"outlook{n}@seeds.test", f"blackhole@seeds{n}.test"]
    for i, (name, label) in enumerate(zip(names, ["Gmail", "Outlook", "Dropped"], strict=True), 1):
        password = secrets.token_urlsafe(10)
        mailhost.add_user(name, password)
        value = f"{name}|{password}|{mailhost.host}|{mailhost.port}|{label}"
        monkeypatch.setenv(f"SEED_MAILBOX_{i}", value)
    return names


@pytest.fixture
def sender(
    mailhost: SieveDovecotServer, smtp_server_factory: Callable[..., SMTPTestServer]
) -> Callable[[str, str], Inbox]:
    """An SMTP inbox whose submission server relays to the seeds' Dovecot."""

    def make(key: str, address: str) -> Inbox:
        smtp = smtp_server_factory(username=address, on_message=mailhost.relay_to)
        return InboxFactory(
            key=key,
            provider=Inbox.Provider.SMTP,
            address=address,
            display_name=key.title(),
            smtp_host=smtp.host,
            smtp_port=smtp.port,
            password=smtp.password,
        )

    return make


def _outcomes(run: PlacementRun) -> dict[tuple[str, str], str]:
    return {
        (r.inbox.key, r.seed.label): r.outcome for r in run.results.select_related("inbox", "seed")
    }


def test_the_command_reports_inbox_spam_and_missing_per_inbox_and_seed(
    seeds: list[str], sender: Callable[[str, str], Inbox]
) -> None:
    sender("good", "good@sender.test")
    sender("spammy", SPAMMY)
    out = io.StringIO()

    call_command("placement_test", "--wait", "0", stdout=out, stderr=io.StringIO())

    run = PlacementRun.objects.get()
    assert run.state == PlacementRun.State.DONE
    assert _outcomes(run) == {
        ("good", "Gmail"): "inbox",
        ("good", "Outlook"): "inbox",
        ("good", "Dropped"): "missing",
        ("spammy", "Gmail"): "spam",
        ("spammy", "Outlook"): "spam",
        ("spammy", "Dropped"): "missing",
    }
    assert {r.folder for r in run.results.filter(outcome="spam")} == {"Junk"}
    text = out.getvalue()
    assert "good: 67% in the Inbox (2 inbox, 0 spam, 1 missing)" in text
    assert "spammy: 0% in the Inbox (0 inbox, 2 spam, 1 missing)" in text


def test_the_status_api_shows_each_inbox_latest_placement(
    seeds: list[str], sender: Callable[[str, str], Inbox], api: Any
) -> None:
    sender("spammy", SPAMMY)
    idle = InboxFactory(key="idle")
    run = placement_check(run_id=placement_send(run_id=placement_start(wait_minutes=0).pk).pk)

    rows = {r["inboxId"]: r for r in api.get("/api/status/inboxes").json()["inboxes"]}

    placement = rows["spammy"]["placement"]
    assert placement["checked_at"] is not None
    assert {k: v for k, v in placement.items() if k != "checked_at"} == {
        "run": run.pk,
        "inbox": 0,
        "spam": 2,
        "missing": 1,
        "rate": 0.0,
    }
    assert rows[idle.key]["placement"] == {
        "run": None,
        "checked_at": None,
        "inbox": 0,
        "spam": 0,
        "missing": 0,
        "rate": None,
    }


def test_each_message_takes_a_warmup_slot_and_an_inbox_without_enough_is_skipped(
    seeds: list[str], sender: Callable[[str, str], Inbox]
) -> None:
    roomy = sender("roomy", "roomy@sender.test")
    tight = sender("tight", "tight@sender.test")
    Inbox.objects.filter(pk=tight.pk).update(warmup_schedule="2")  # 2 a day, 3 seeds

    run = placement_send(run_id=placement_start(wait_minutes=0).pk)

    assert run.results.filter(inbox=roomy, outcome="pending").count() == 3
    assert InboxDay.objects.get(inbox=roomy).sent == 3
    assert not run.results.filter(inbox__key="tight").exists()
    assert "tight: skipped, needs 3 warmup slot(s), 2 left today" in run.notes
    assert not InboxDay.objects.filter(inbox__key="tight").aggregate(n=Sum("sent"))["n"]


def test_the_command_can_limit_itself_to_one_inbox(
    seeds: list[str], sender: Callable[[str, str], Inbox]
) -> None:
    sender("good", "good@sender.test")
    sender("spammy", SPAMMY)
    out = io.StringIO()

    call_command(
        "placement_test",
        "--inbox",
        "spammy",
        "--wait",
        "0",
        "--json",
        stdout=out,
        stderr=io.StringIO(),
    )

    report = json.loads(out.getvalue())
    assert {row["inbox"] for row in report["results"]} == {"spammy"}
    assert sorted(row["outcome"] for row in report["results"]) == ["missing", "spam", "spam"]


def test_a_placement_below_the_threshold_raises_one_alert_per_inbox(
    seeds: list[str], sender: Callable[[str, str], Inbox], settings: Any
) -> None:
    settings.JENGU = {**settings.JENGU, "PLACEMENT_MIN_INBOX_RATE": 0.6}
    sender("good", "good@sender.test")
    sender("spammy", SPAMMY)
    run = placement_send(run_id=placement_start(wait_minutes=0).pk)

    placement_check(run_id=run.pk)
    placement_check(run_id=run.pk)  # a redelivered task: no second verdict, no second alert

    [alert] = Alert.objects.all()
    assert alert.title == "Inbox placement of spammy is 0% (below 60%)"
    assert alert.data["spam"] == 2 and alert.data["missing"] == 1
    assert "2 in spam, 1 missing, of 3 seed mailboxes" in alert.body


def test_a_seed_that_cannot_be_read_is_unreadable_not_missing(
    seeds: list[str],
    sender: Callable[[str, str], Inbox],
    monkeypatch: pytest.MonkeyPatch,
    mailhost: SieveDovecotServer,
) -> None:
    monkeypatch.setenv(
        "SEED_MAILBOX_1", f"{seeds[0]}|wrong-password|{mailhost.host}|{mailhost.port}|Gmail"
    )
    sender("good", "good@sender.test")
    run = placement_send(run_id=placement_start(wait_minutes=0).pk)

    run = placement_check(run_id=run.pk)

    gmail = run.results.get(seed__label="Gmail")
    assert gmail.outcome == "unreadable"
    assert "AUTHENTICATIONFAILED" in gmail.detail
    [alert] = Alert.objects.all()  # judged on the two seeds that could be read
    assert "1 in the Inbox, 0 in spam, 1 missing, of 2 seed mailboxes" in alert.body
    assert _outcomes(run)[("good", "Outlook")] == "inbox"


def test_the_admin_action_queues_the_run_and_the_workers_send_then_check(
    seeds: list[str],
    sender: Callable[[str, str], Inbox],
    admin_client: Client,
    django_capture_on_commit_callbacks: Any,
) -> None:
    good = sender("good", "good@sender.test")
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            "/admin/inboxes/inbox/",
            {"action": "run_placement_test", "_selected_action": [good.pk]},
            follow=True,
        )

    assert "Placement test #" in response.content.decode()
    run = PlacementRun.objects.get()
    assert run.state == PlacementRun.State.QUEUED and run.inbox_keys == ["good"]
    [queued] = [q.task for q in OrmQ.objects.all()]
    assert (queued["func"], queued["args"]) == ("inboxes.tasks.placement_send", (run.pk,))

    tasks.placement_send(*queued["args"])
    check = Schedule.objects.get(func="inboxes.tasks.placement_check")
    assert check.next_run >= timezone.now() + timedelta(minutes=run.wait_minutes - 1)
    assert check.schedule_type == Schedule.ONCE

    tasks.placement_check(*eval(check.args))  # noqa: S307  (django-q2 stores args as repr)
    assert set(PlacementResult.objects.values_list("outcome", flat=True)) == {"inbox", "missing"}


def test_the_inbox_page_charts_placement_over_time(
    seeds: list[str], sender: Callable[[str, str], Inbox], admin_client: Client
) -> None:
    good = sender("good", "good@sender.test")
    Inbox.objects.filter(pk=good.pk).update(warmup_schedule="20")  # room for two runs today
    for _ in range(2):
        run = placement_send(run_id=placement_start(wait_minutes=0).pk)
        placement_check(run_id=run.pk)

    page = admin_client.get(f"/admin/inboxes/inbox/{good.pk}/change/").content.decode()

    assert 'id="inbox-placement"' in page
    assert page.count("2 inbox, 0 spam, 1 missing of 3") == 2  # one bar per run, with its tooltip
    assert "alert below 80%" in page and ">100%</text>" in page  # the scale is 0-100%
    assert 'class="jc-bar jc-bad"' in page  # 67% is under the line
    assert "Outlook" in page and "Missing" in page
