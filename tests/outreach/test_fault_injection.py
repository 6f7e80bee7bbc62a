"""SIGKILL the sender (a) right after a claim commits and (b) after the SMTP server accepted a
message but before the sender settled it, over 200+ emails; then recover. No email may reach the
server twice, and every ledger row ends sent, or surfaced as unknown with a dead letter."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from core.models import DeadLetter
from outreach.models import OutboundEmail
from outreach.services import prepare_due, reconcile_expired
from tests.factories import CampaignFactory
from tests.outreach.helpers import enrolled, smtp_inbox
from tests.servers.smtp import SMTPTestServer

EMAILS = 200
SCRIPT = Path(__file__).with_name("fault_sender.py")


def _database_url() -> str:
    s = connection.settings_dict
    return f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def _run_sender(mode: str, limit: int, env: dict[str, str], server: SMTPTestServer) -> int:
    proc = subprocess.Popen(
        [sys.executable, str(SCRIPT), mode, str(limit)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    if mode == "after_accept":
        target = len(server.messages) + limit

        def kill_after(message: object) -> None:
            if len(server.messages) >= target and proc.poll() is None:
                os.kill(proc.pid, signal.SIGKILL)

        server.on_message = kill_after
    try:
        proc.wait(timeout=120)
    finally:
        server.on_message = None
    return proc.returncode


@pytest.mark.postgres
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_killed_senders_never_send_twice_and_lose_nothing(settings) -> None:
    rng = random.Random(20261128)
    settings.JENGU = {
        **settings.JENGU,
        "SEND_HOURS": "0-24",
        "SEND_DAYS": "mon-sun",
        "SEND_GAP_SECONDS": "0",
        "SEND_LEASE_SECONDS": 2,
    }
    with SMTPTestServer() as server:
        smtp_inbox(server, settings, warmup_schedule="100000")
        campaign = CampaignFactory(steps=[0])
        enrolled(campaign, now=timezone.now(), n=EMAILS)
        prepare_due(now=timezone.now(), limit=EMAILS * 2)
        assert OutboundEmail.objects.filter(status="queued").count() == EMAILS
        env = {
            **os.environ,
            "DATABASE_URL": _database_url(),
            "SMTP_CA_FILE": server.ca_file,
            "JENGU_SEND_HOURS": "0-24",
            "JENGU_SEND_DAYS": "mon-sun",
            "JENGU_SEND_GAP_SECONDS": "0",
            "JENGU_SEND_LEASE_SECONDS": "2",
        }
        kills = Counter()
        for run in range(200):
            if not OutboundEmail.objects.filter(status="queued").exists():
                break
            mode = "after_claim" if run % 2 == 0 else "after_accept"
            code = _run_sender(mode, rng.randint(1, 12), env, server)
            kills[mode] += code == -signal.SIGKILL
        assert not OutboundEmail.objects.filter(status="queued").exists()
        assert kills["after_claim"] >= 5 and kills["after_accept"] >= 5, kills

        time.sleep(2.1)  # every lease has expired
        reconcile_expired(now=timezone.now() + timedelta(hours=2))

        received = Counter(m.parsed["Message-ID"] for m in server.messages)
    assert received and max(received.values()) == 1, "an email reached the server twice"
    rows = {e.message_id: e.status for e in OutboundEmail.objects.all()}
    assert set(rows.values()) <= {"sent", "unknown"}, Counter(rows.values())
    letters = set(
        DeadLetter.objects.filter(kind="delivery_unknown").values_list(
            "payload__message_id", flat=True
        )
    )
    unknown = {mid for mid, status in rows.items() if status == "unknown"}
    assert unknown == letters  # every unknown email is in front of the operator
    assert len(unknown) == sum(kills.values())  # each kill strands exactly the email in hand
    assert set(received) <= set(rows)
    # every email the server got is either settled as sent or waiting for the operator
    assert {mid for mid in received if rows[mid] == "sent"} | (set(received) & unknown) == set(
        received
    )
