"""Sending throughput: emails per second through the whole ledger path (prepare is done before
timing; then claim with the warmup slot and the domain caps, build, SMTP to a local aiosmtpd,
settle) with 4 inboxes on PostgreSQL, beside two baselines in the same run, sending the same
messages to the same server over one reused connection:

- bare: the smtplib loop alone;
- honest: the same loop plus what an exactly-once ledger physically needs, one claim commit
  and one settle commit per email (single-row UPDATEs on a table of the same database).

Each hotel has a domain of its own, as in real use, so the per-domain cap holds no email back.

    .venv/bin/python bench/send_pipeline.py [--emails 400]
"""

from __future__ import annotations

import argparse
import os
import smtplib
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._django import setup

INBOXES = 4


def prepare(server, n: int) -> None:
    from django.utils import timezone

    from inboxes.models import Inbox
    from outreach.models import Campaign, DomainDay, Enrollment, OutboundEmail, SequenceStep
    from outreach.services import enroll, prepare_due
    from prospects.models import Contact, Prospect
    from prospects.services import ProspectInput, contact_vouch, prospect_create

    OutboundEmail.objects.all().delete()
    DomainDay.objects.filter(key__startswith="bench-hotel-").delete()  # a rerun starts at 0
    Enrollment.objects.all().delete()
    Campaign.objects.filter(name="bench").delete()
    Contact.objects.filter(email__startswith="gm", email__endswith=".example").delete()
    Prospect.objects.filter(name__startswith="Bench Hotel").delete()
    Inbox.objects.filter(key__startswith="bench-send-").only("pk").delete()  # no decrypt
    for i in range(INBOXES):
        Inbox.objects.create(
            key=f"bench-send-{i}",
            provider="smtp",
            address=server.username,
            smtp_host=server.host,
            smtp_port=server.port,
            username=server.username,
            password=server.password,
            warmup_schedule="1000000",
            reader_enabled=False,
        )
    campaign = Campaign.objects.create(name="bench", strategy="cold_direct")
    SequenceStep.objects.create(campaign=campaign, number=1, delay_days=0)
    now = timezone.now()
    for k in range(n):
        data = ProspectInput(
            name=f"Bench Hotel {k}",
            city="Lisbon",
            country="Portugal",
            contact_name=f"Guest {k}",
            contact_email=f"gm{k}@bench-hotel-{k}.example",
        )
        prospect = prospect_create(data=data).prospect
        contact = prospect.contacts.get()
        contact_vouch(contact_id=contact.pk, evidence={"bench": True}, at=now)
        contact.refresh_from_db()
        enroll(contact=contact, campaign=campaign, now=now)
    prepare_due(now=now, limit=n * 2)


def jengu_send(n: int) -> tuple[int, float]:
    from outreach.services import run_send_pass

    start, sent = time.perf_counter(), 0
    while sent < n:
        report = run_send_pass()
        if report.sent == 0:
            raise SystemExit(f"stuck after {sent}: {report.as_dict()}")
        sent += report.sent
    return sent, time.perf_counter() - start


def bare_send(server, raws: list[tuple[str, list[str], bytes]]) -> float:
    from tests.servers import certs

    start = time.perf_counter()
    conn = smtplib.SMTP(server.host, server.port)
    conn.starttls(context=certs.client_context())
    conn.login(server.username, server.password)
    for mail_from, rcpts, raw in raws:
        conn.sendmail(mail_from, rcpts, raw)
    conn.quit()
    return time.perf_counter() - start


def honest_send(server, url: str, raws: list[tuple[str, list[str], bytes]]) -> float:
    """The bare loop plus one claim commit and one settle commit per email (autocommit)."""
    import uuid

    import psycopg

    from tests.servers import certs

    with psycopg.connect(url, autocommit=True) as db:
        db.execute("DROP TABLE IF EXISTS bench_ledger")
        db.execute("CREATE TABLE bench_ledger (id int PRIMARY KEY, status text, token uuid)")
        with db.cursor() as cur:
            cur.executemany(
                "INSERT INTO bench_ledger VALUES (%s, 'queued', NULL)",
                [(i,) for i in range(len(raws))],
            )
        start = time.perf_counter()
        conn = smtplib.SMTP(server.host, server.port)
        conn.starttls(context=certs.client_context())
        conn.login(server.username, server.password)
        for i, (mail_from, rcpts, raw) in enumerate(raws):
            token = uuid.uuid4()
            claimed = db.execute(
                "UPDATE bench_ledger SET status = 'sending', token = %s"
                " WHERE id = %s AND status = 'queued'",
                (token, i),
            )
            assert claimed.rowcount == 1
            conn.sendmail(mail_from, rcpts, raw)
            db.execute(
                "UPDATE bench_ledger SET status = 'sent' WHERE id = %s AND token = %s", (i, token)
            )
        conn.quit()
        elapsed = time.perf_counter() - start
        db.execute("DROP TABLE bench_ledger")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--emails", type=int, default=400)
    args = parser.parse_args()
    from tests.servers import certs
    from tests.servers.smtp import SMTPTestServer

    os.environ.update(
        SMTP_CA_FILE=certs.ca_file(),
        JENGU_SEND_HOURS="0-24",
        JENGU_SEND_DAYS="mon-sun",
        JENGU_SEND_GAP_SECONDS="0",
    )
    url = setup("jengu_bench_send")
    with SMTPTestServer() as server:
        prepare(server, args.emails)
        n, ours = jengu_send(args.emails)
        raws = [(m.mail_from, m.rcpt_tos, m.raw) for m in server.messages]
        assert len(raws) == n, (len(raws), n)
        server.reset()
        bare = bare_send(server, raws)
        assert len(server.messages) == n
        server.reset()
        honest = honest_send(server, url, raws)
        assert len(server.messages) == n
    print(f"PostgreSQL, {INBOXES} inboxes, {n} emails, STARTTLS + AUTH to a local aiosmtpd")
    print(f"bare smtplib, one connection:  {n / bare:8.1f} emails/s  ({bare:.2f} s)")
    print(f"honest: + claim and settle:    {n / honest:8.1f} emails/s  ({honest:.2f} s)")
    print(f"jengu ledger path:             {n / ours:8.1f} emails/s  ({ours:.2f} s)")
    print(f"ratio (jengu / bare):          {bare / ours:8.3f}")
    print(f"ratio (jengu / honest):        {honest / ours:8.3f}  (target >= 0.5)")


if __name__ == "__main__":
    main()
