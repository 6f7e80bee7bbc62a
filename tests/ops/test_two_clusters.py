"""Two `manage.py qcluster` nodes on one PostgreSQL database and one Redis broker share the
sending safely: every email reaches the SMTP server exactly once, and the warmup counters add
up to exactly what was sent."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from django.conf import settings
from django.db import connection
from django.db.models import Sum
from django.utils import timezone
from django_q.brokers.redis_broker import Redis as RedisBroker
from django_q.models import Task
from django_q.tasks import async_task

from inboxes.models import InboxDay
from outreach.models import OutboundEmail
from outreach.services import prepare_due
from tests.factories import CampaignFactory
from tests.outreach.helpers import enrolled, smtp_inbox
from tests.servers.smtp import SMTPTestServer

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = "redis://127.0.0.1:6379/11"  # this test's own database on the shared Redis
EMAILS, TASKS = 100, 20
PER_TASK = EMAILS // TASKS


class _TestBroker(RedisBroker):
    """The clusters' Redis queue, reached from this process (whose own broker is the ORM)."""

    @staticmethod
    def get_connection(list_key: str | None = None) -> redis.Redis:
        return redis.Redis.from_url(REDIS_URL)


def _database_url() -> str:
    s = connection.settings_dict
    return f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def _cluster_env(server: SMTPTestServer, var_dir: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "REDIS_URL": REDIS_URL,
        # the same keys as this process: task signatures and the inbox passwords at rest
        "SECRET_KEY": settings.SECRET_KEY,
        "JENGU_VAR_DIR": str(var_dir),
        "JENGU_SEND_HOURS": "0-24",
        "JENGU_SEND_DAYS": "mon-sun",
        "JENGU_SEND_GAP_SECONDS": "0",
        "SMTP_CA_FILE": server.ca_file,
        "Q_WORKERS": "2",
        "LOG_LEVEL": "INFO",
    }
    if settings.FIELD_ENCRYPTION_KEY:
        env["FIELD_ENCRYPTION_KEY"] = settings.FIELD_ENCRYPTION_KEY
    return env


@pytest.fixture
def clean_redis() -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(REDIS_URL)
    client.flushdb()
    yield client
    client.flushdb()


def _start_clusters(env: dict[str, str], logs: Path) -> list[tuple[subprocess.Popen, Path]]:
    started = []
    for n in (1, 2):
        log = logs / f"cluster-{n}.log"
        proc = subprocess.Popen([sys.executable, "manage.py", "qcluster"], cwd=ROOT, env=env,
                                stdout=log.open("wb"), stderr=subprocess.STDOUT)  # fmt: skip
        started.append((proc, log))
    return started


def _stop(clusters: list[tuple[subprocess.Popen, Path]]) -> None:
    for proc, _ in clusters:
        if proc.poll() is None:
            proc.terminate()
    for proc, _ in clusters:
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _wait(until: Any, seconds: float, clusters: list[tuple[subprocess.Popen, Path]]) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if until():
            return
        dead = [log for proc, log in clusters if proc.poll() is not None]
        assert not dead, "a cluster died:\n" + dead[0].read_text()[-3000:]
        time.sleep(0.25)
    raise AssertionError(
        f"timed out; ledger: {Counter(OutboundEmail.objects.values_list('status', flat=True))}"
    )


def _send_passes(log: Path) -> list[dict[str, Any]]:
    events = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    return [e for e in events if e["event"] == "send pass"]


@pytest.mark.postgres
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_two_clusters_send_every_email_exactly_once(settings, clean_redis, tmp_path) -> None:
    settings.JENGU = {**settings.JENGU, "SEND_HOURS": "0-24", "SEND_DAYS": "mon-sun"}
    with SMTPTestServer() as server:
        inboxes = [
            smtp_inbox(server, settings, address=f"outreach{n}@sender.example",
                       warmup_schedule="100000")
            for n in (1, 2)
        ]  # fmt: skip
        enrolled(CampaignFactory(steps=[0]), now=timezone.now(), n=EMAILS)
        prepare_due(now=timezone.now(), limit=EMAILS * 2)
        assert OutboundEmail.objects.filter(status="queued").count() == EMAILS

        clusters = _start_clusters(_cluster_env(server, tmp_path), tmp_path)
        try:
            broker = _TestBroker()
            for _ in range(TASKS):
                async_task("outreach.tasks.send_due", PER_TASK, broker=broker)
            _wait(lambda: Task.objects.count() == TASKS, 90, clusters)
            # A pass whose candidates are locked by the other node's passes (SKIP LOCKED) stops
            # short of its count: what it leaves is still queued, never lost or doubled. Under
            # load that happens; sweep the rest up the way the next scheduled pass would.
            tasks = TASKS
            for _ in range(5):
                if not OutboundEmail.objects.filter(status="queued").exists():
                    break
                async_task("outreach.tasks.send_due", EMAILS, broker=broker)
                tasks += 1
                _wait(lambda n=tasks: Task.objects.count() == n, 60, clusters)
        finally:
            _stop(clusters)
        received = Counter(m.parsed["Message-ID"] for m in server.messages)

    failed = list(Task.objects.filter(success=False).values_list("result", flat=True))
    assert not failed, f"{len(failed)} send passes failed, e.g.: {str(failed[0])[:1500]}"
    assert Task.objects.filter(success=True).count() == tasks
    assert not OutboundEmail.objects.filter(status="queued").exists()
    sent = set(OutboundEmail.objects.filter(status="sent").values_list("message_id", flat=True))
    assert len(sent) == EMAILS
    assert set(received) == sent and set(received.values()) == {1}  # each arrived once
    days = InboxDay.objects.aggregate(sent=Sum("sent"), reserved=Sum("reserved"))
    assert days == {"sent": EMAILS, "reserved": 0}
    for inbox in inboxes:
        by_inbox = OutboundEmail.objects.filter(inbox=inbox, status="sent").count()
        assert InboxDay.objects.get(inbox=inbox).sent == by_inbox
    # both nodes did part of the work, and their log lines name the task they ran
    per_cluster = [_send_passes(log) for _, log in clusters]
    assert all(per_cluster), [log.read_text()[-2000:] for _, log in clusters]
    assert sum(e["sent"] for passes in per_cluster for e in passes) == EMAILS
    task_ids = set(Task.objects.values_list("id", flat=True))
    for passes in per_cluster:
        assert {e["task_id"] for e in passes} <= task_ids
        assert {e["task_func"] for e in passes} == {"outreach.tasks.send_due"}
