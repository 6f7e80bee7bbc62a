"""kill -9 of a qcluster worker in the middle of a send pass and of a reply check.

A real ``manage.py qcluster`` (ORM broker, on the test's PostgreSQL database) sends through a
real SMTP server (aiosmtpd) and reads a real IMAP account (Dovecot); the worker running the task
is SIGKILLed mid-way and django-q2 starts a new one.

- Send pass: the broker delivers the unacknowledged pass again once ``Q_RETRY`` has passed; the
  email in hand stays ``sending`` until its lease expires, then the reconciliation looks for it
  in the account's Sent folder over IMAP. Nothing reaches the server twice; every email ends
  sent, or unknown with a dead letter for the operator.
- Reply check: the inbox's reader lease keeps other checks out until it expires; the next check
  reads from the unchanged cursor. Every reply is stored and acted on exactly once.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from django.db.models import Sum
from django.utils import timezone
from django_q.models import Task
from django_q.tasks import async_task

from core.models import Alert, DeadLetter
from inboxes.models import Inbox, InboxDay
from outreach.models import Enrollment, InboundMessage, OutboundEmail
from outreach.services import prepare_due, run_send_pass
from prospects.models import ProspectEvent
from tests.factories import CampaignFactory
from tests.inbound import messages as m
from tests.outreach.helpers import enrolled, smtp_imap_inbox
from tests.servers import certs
from tests.servers.imap import ImapUser
from tests.servers.qcluster import QCluster, cluster_env
from tests.servers.smtp import ReceivedMessage, SMTPTestServer

SEND, RECONCILE = "outreach.tasks.send_due", "outreach.tasks.reconcile_expired"
EMAILS, KILL_AT = 40, 15
SEND_ENV = {
    "JENGU_SEND_HOURS": "0-24",
    "JENGU_SEND_DAYS": "mon-sun",
    "JENGU_SEND_GAP_SECONDS": "0",
    "JENGU_SEND_LEASE_SECONDS": "3",
    "Q_WORKERS": "2",
    # a killed task is delivered again after Q_RETRY (which must exceed Q_TIMEOUT)
    "Q_TIMEOUT": "15",
    "Q_RETRY": "17",
}


def _task(func: str) -> Task | None:
    return Task.objects.filter(func=func).first()


class _Provider:
    """What the mail provider does with each message its SMTP server accepts: optionally file a
    copy in the account's Sent folder (as Gmail and Exchange do), and at the KILL_AT-th message
    SIGKILL the sending worker before the 250 reaches it, so it never learns the outcome."""

    def __init__(self, user: ImapUser, *, files_sent_copy: bool) -> None:
        self.user, self.files_sent_copy = user, files_sent_copy
        self.cluster: QCluster | None = None
        self.killed: dict[str, Any] = {}
        self.done = threading.Event()

    def __call__(self, message: ReceivedMessage, server: SMTPTestServer) -> None:
        if self.files_sent_copy:
            self.user.server.append(self.user.name, message.raw, mailbox="Sent")
        if len(server.messages) != KILL_AT or self.cluster is None:
            return
        try:
            self.killed["worker"] = self.cluster.kill_worker(SEND)
            self.killed["message_id"] = message.parsed["Message-ID"]
        except Exception as exc:
            self.killed["error"] = repr(exc)
        self.done.set()


@pytest.mark.postgres
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("files_sent_copy", [True, False], ids=["sent-copy", "no-sent-copy"])
def test_a_worker_killed_mid_send_pass_sends_nothing_twice_and_loses_nothing(
    settings: Any, imap_user: ImapUser, tmp_path: Path, files_sent_copy: bool
) -> None:
    settings.JENGU = {**settings.JENGU, "SEND_HOURS": "0-24", "SEND_DAYS": "mon-sun"}
    imap_user.server.create_mailbox(imap_user.name, "Sent")
    provider = _Provider(imap_user, files_sent_copy=files_sent_copy)
    with SMTPTestServer(username=imap_user.name, password=imap_user.password) as server:
        server.on_message = lambda message: provider(message, server)
        inbox = smtp_imap_inbox(server, imap_user, settings, warmup_schedule="100000")
        enrolled(CampaignFactory(steps=[0]), now=timezone.now(), n=EMAILS)
        prepare_due(now=timezone.now(), limit=EMAILS * 2)
        env = cluster_env(tmp_path, SMTP_CA_FILE=server.ca_file, **SEND_ENV)
        with QCluster(env, tmp_path / "cluster.log") as cluster:
            provider.cluster = cluster
            async_task(SEND)
            assert provider.done.wait(30), cluster.tail()
            assert "error" not in provider.killed, provider.killed
            in_hand = OutboundEmail.objects.get(message_id=provider.killed["message_id"])
            assert in_hand.status == "sending"  # its sender died before the 250
            assert OutboundEmail.objects.filter(status="queued").exists()  # mid-pass
            # django-q2 replaces the worker and delivers the unacknowledged pass again
            cluster.wait(lambda: cluster.reincarnated(provider.killed["worker"]), 10, "respawn")
            cluster.wait(lambda: _task(SEND), 40, "the send pass delivered again")
            async_task(RECONCILE)  # the five-minute schedule, after the 3 s lease expired
            cluster.wait(lambda: _task(RECONCILE), 20, "the reconciliation")
            async_task(SEND)  # the next pass: an unknown email is never resent blindly
            cluster.wait(lambda: Task.objects.filter(func=SEND).count() == 2, 20, "a next pass")
        received = Counter(msg.parsed["Message-ID"] for msg in server.messages)

    reconciled = _task(RECONCILE)
    assert not Task.objects.filter(success=False).exists()
    passes = Task.objects.filter(func=SEND).order_by("started").values_list("result", flat=True)
    assert list(passes) == [
        f"sent {EMAILS - KILL_AT}, failed 0, skipped 0",
        "sent 0, failed 0, skipped 0",
    ]
    # nothing twice: each email reached the SMTP server exactly once, the one in hand included
    assert len(received) == EMAILS and set(received.values()) == {1}
    rows = dict(OutboundEmail.objects.values_list("message_id", "status"))
    assert set(rows) == set(received)  # nothing lost
    in_hand.refresh_from_db()
    letters = DeadLetter.objects.filter(kind="delivery_unknown")
    assert reconciled is not None and reconciled.success, reconciled and reconciled.result
    if files_sent_copy:  # found in the Dovecot Sent folder over IMAP: sent, no question asked
        assert reconciled.result == str({"expired": 1, "found_in_sent": 1})
        assert in_hand.status == "sent" and not letters.exists()
    else:  # accepted but not findable: the operator decides, it is never resent blindly
        assert reconciled.result == str({"expired": 1, "dead_letter": 1})
        assert in_hand.status == "unknown"
        assert list(letters.values_list("payload__message_id", flat=True)) == [in_hand.message_id]
    statuses = Counter(rows.values())
    unknown = 0 if files_sent_copy else 1
    assert statuses == Counter({"sent": EMAILS - unknown, "unknown": unknown})
    # the warmup counters add up: a slot consumed per sent email, one held per unknown one
    day = InboxDay.objects.filter(inbox=inbox).aggregate(sent=Sum("sent"), held=Sum("reserved"))
    assert day == {"sent": statuses["sent"], "held": statuses["unknown"]}


# --- a reply check ------------------------------------------------------------------------------
CHECK, CHECK_ALL = "outreach.tasks.check_inbox", "outreach.tasks.check_replies"
REPLIES, KILL_AFTER_STORED = 80, 10
MEETING = "Sounds good - can we set up a call on Thursday at 3pm?"


def _reply_to(email: OutboundEmail, n: int) -> bytes:
    return m.plain_reply(
        frm=email.recipient,
        to=email.from_address,
        subject=email.subject,
        in_reply_to=email.message_id,
        body=MEETING,
        msgid=f"<reply-{n}@hotel.example>",
    )


def _deliver(user: ImapUser, messages: list[bytes]) -> None:
    with user.server.session(user.name) as imap:  # one login for the whole batch
        for raw in messages:
            assert imap.append("INBOX", None, None, raw)[0] == "OK"


def _checks() -> list[dict[str, Any]]:
    return [t.result for t in Task.objects.filter(func=CHECK, success=True).order_by("started")]


def _kill_mid_batch(cluster: QCluster) -> str:
    """SIGKILL the reader once some, not all, replies are stored (each commits on its own)."""
    deadline = time.monotonic() + 30
    while InboundMessage.objects.count() < KILL_AFTER_STORED:
        assert time.monotonic() < deadline, cluster.tail()
        time.sleep(0.005)
    return cluster.kill_worker(CHECK)


@pytest.mark.postgres
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_reply_check_reads_every_reply_once(
    settings: Any, imap_user: ImapUser, tmp_path: Path
) -> None:
    settings.JENGU = {**settings.JENGU, "SEND_HOURS": "0-24", "SEND_DAYS": "mon-sun"}
    with SMTPTestServer(username=imap_user.name, password=imap_user.password) as server:
        inbox = smtp_imap_inbox(server, imap_user, settings, warmup_schedule="100000")
        enrolled(CampaignFactory(steps=[0, 3]), now=timezone.now(), n=REPLIES)
        assert run_send_pass(count=REPLIES).sent == REPLIES
    sent = list(OutboundEmail.objects.filter(status="sent").order_by("pk"))
    _deliver(imap_user, [_reply_to(email, n) for n, email in enumerate(sent)])
    env = cluster_env(tmp_path, SMTP_CA_FILE=certs.ca_file(), Q_WORKERS="2")
    with QCluster(env, tmp_path / "cluster.log") as cluster:
        async_task(CHECK, inbox.pk)
        worker = _kill_mid_batch(cluster)
        cluster.wait(lambda: cluster.reincarnated(worker), 10, "a new worker")
        inbox.refresh_from_db()
        stored_before = InboundMessage.objects.count()
        assert 0 < stored_before < REPLIES
        assert inbox.imap_last_uid == 0  # the cursor moves only after a whole batch
        # a check a minute later finds the dead check's lease still held and reads nothing
        async_task(CHECK, inbox.pk)
        cluster.wait(lambda: _checks(), 20, "the refused check")
        assert "skipped" in _checks()[0]
        # three minutes later the lease has expired (aged here rather than waited for) and
        # the one-minute schedule's fan-out reads the inbox from the unchanged cursor
        Inbox.objects.filter(pk=inbox.pk).update(reader_lock_until=timezone.now())
        async_task(CHECK_ALL)
        cluster.wait(lambda: len(_checks()) == 2, 30, "the recovering check")
        recovered = _checks()[1]
        # then one new reply: the next check reads only that one
        _deliver(imap_user, [_reply_to(sent[0], REPLIES)])
        async_task(CHECK, inbox.pk)
        cluster.wait(lambda: len(_checks()) == 3, 20, "the next check")
        latest = _checks()[2]

    assert (recovered["fetched"], recovered["stored"]) == (REPLIES, REPLIES - stored_before)
    assert (latest["fetched"], latest["stored"]) == (1, 1)
    inbox.refresh_from_db()
    assert inbox.imap_last_uid == REPLIES + 1
    # every reply stored once, matched to our email, and acted on once
    stored = InboundMessage.objects.exclude(message_id=f"<reply-{REPLIES}@hotel.example>")
    assert sorted(stored.values_list("matched_outbound_id", flat=True)) == [e.pk for e in sent]
    assert set(stored.values_list("intent", "error")) == {("meeting_request", "")}
    assert not stored.filter(processed_at=None).exists()
    alerts = Counter(
        Alert.objects.filter(kind=Alert.Kind.MEETING_REQUEST).values_list(
            "data__inbound", flat=True
        )
    )
    assert len(alerts) == REPLIES + 1 and set(alerts.values()) == {1}  # one per reply
    events = Counter(ProspectEvent.objects.filter(kind="reply").values_list("prospect", flat=True))
    assert events == Counter({e.prospect_id: 1 for e in sent}) + Counter([sent[0].prospect_id])
    assert set(Enrollment.objects.values_list("status", flat=True)) == {"replied"}
    assert not OutboundEmail.objects.filter(status="queued").exists()  # step 2 never goes out
