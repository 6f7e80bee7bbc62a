"""Inbound throughput: IMAP fetch -> parsed, matched, classified (offline) and stored, against two
baselines on the same 5,000 messages from the same Dovecot, in the same run: a bare imaplib fetch,
and the honest baseline, what storing mail physically needs (the same fetch, one stdlib parse and
one INSERT committed per message into a plain table). The reader alone
(``inboxes.clients.readers.read_new``, cursor saved, nothing stored) is timed too: it is the part
the IMAP client library decides.

    .venv/bin/python bench/inbound.py [--messages 5000]
"""

from __future__ import annotations

import argparse
import imaplib
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._django import setup


def sample(n: int, to: str) -> bytes:
    from tests.inbound import messages as m

    kinds = [
        lambda: m.plain_reply(
            frm=f"gm{n}@hotel{n}.example",
            to=to,
            subject="A quick question",
            body="Interested, can you send prices?",
            msgid=f"<r{n}@h.example>",
        ),
        lambda: m.out_of_office(
            frm=f"gm{n}@hotel{n}.example", to=to, subject="Hi", ours=f"<ours{n}@sender.example>"
        ).replace(b"<ooo-1@hotel.example>", f"<ooo{n}@h.example>".encode()),
        lambda: m.postfix_dsn(
            to=to, rcpt=f"nobody{n}@hotel{n}.example", ours=f"<ours{n}@sender.example>"
        ).replace(b"20261201100005.4F1A2", f"dsn{n}".encode()),
    ]
    return kinds[n % 3]()


def fill(server, user, count: int) -> None:
    with server.session(user.name) as imap:
        for n in range(count):
            imap.append("INBOX", None, None, sample(n, user.name))


def bare_fetch(user) -> tuple[int, float]:
    start = time.perf_counter()
    conn = imaplib.IMAP4(user.host, user.port)
    conn.login(user.name, user.password)
    conn.select("INBOX", readonly=True)
    uids = conn.uid("SEARCH", "ALL")[1][0].split()
    got = 0
    for i in range(0, len(uids), 50):
        chunk = b",".join(uids[i : i + 50]).decode()
        _, parts = conn.uid("FETCH", chunk, "(UID BODY.PEEK[])")
        got += sum(isinstance(p, tuple) for p in parts)
    conn.logout()
    return got, time.perf_counter() - start


def honest_fetch(user) -> tuple[int, float]:
    """The bare fetch, plus one ``policy.default`` parse and one committed INSERT per message."""
    from email import policy
    from email.parser import BytesParser

    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "DROP TABLE IF EXISTS bench_inbound; CREATE TABLE bench_inbound (id bigserial "
            "PRIMARY KEY, message_id text, from_address text, subject text, raw bytea)"
        )
    parser = BytesParser(policy=policy.default)
    start = time.perf_counter()
    conn = imaplib.IMAP4(user.host, user.port)
    conn.login(user.name, user.password)
    conn.select("INBOX", readonly=True)
    uids = conn.uid("SEARCH", "ALL")[1][0].split()
    got = 0
    with connection.cursor() as cursor:  # autocommit: each INSERT is its own transaction
        for i in range(0, len(uids), 50):
            chunk = b",".join(uids[i : i + 50]).decode()
            _, parts = conn.uid("FETCH", chunk, "(UID BODY.PEEK[])")
            for part in parts:
                if not isinstance(part, tuple):
                    continue
                msg = parser.parsebytes(part[1])
                cursor.execute(
                    "INSERT INTO bench_inbound (message_id, from_address, subject, raw) "
                    "VALUES (%s, %s, %s, %s)",
                    [str(msg["Message-ID"]), str(msg["From"]), str(msg["Subject"]), part[1]],
                )
                got += 1
    conn.logout()
    elapsed = time.perf_counter() - start
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_inbound")
    return got, elapsed


def bench_inbox(user, key: str):
    from inboxes.models import Inbox

    Inbox.objects.filter(key=key).only("pk").delete()  # no decrypt
    return Inbox.objects.create(
        key=key,
        provider="smtp",
        address=user.name,
        username=user.name,
        password=user.password,
        imap_host=user.host,
        imap_port=user.port,
        smtp_host="unused",
    )


def reader_fetch(user) -> tuple[int, float]:
    from inboxes.clients.readers import commit, read_new

    inbox = bench_inbox(user, "bench-imap-reader")
    got = 0
    start = time.perf_counter()
    while (batch := read_new(inbox)).messages:
        got += len(batch.messages)
        commit(inbox, batch)
    return got, time.perf_counter() - start


def jengu_fetch(user) -> tuple[int, float]:
    from outreach.models import InboundMessage
    from outreach.services.reader import check_inbox

    InboundMessage.objects.all().delete()
    inbox = bench_inbox(user, "bench-imap")
    start = time.perf_counter()
    while True:
        result = check_inbox(inbox.pk)
        if "error" in result:
            raise SystemExit(f"reader failed: {result}")
        if not result.get("fetched"):
            break
    return InboundMessage.objects.count(), time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=5000)
    args = parser.parse_args()
    import os

    from tests.servers import certs

    os.environ.setdefault("LOG_LEVEL", "ERROR")  # one alert line per unmatched reply otherwise
    os.environ["SMTP_CA_FILE"] = certs.ca_file()  # Dovecot's certificate comes from the test CA
    setup("jengu_bench_inbound")
    from tests.servers.imap import DovecotServer

    with DovecotServer() as server:
        user = server.add_user("bench@jengu.test", "bench-password")
        fill(server, user, args.messages)
        bare_n, bare_s = bare_fetch(user)
        honest_n, honest_s = honest_fetch(user)
        read_n, read_s = reader_fetch(user)
        ours_n, ours_s = jengu_fetch(user)
    bare_rate, ours_rate = bare_n / bare_s, ours_n / ours_s
    honest_rate = honest_n / honest_s
    print(
        f"bare imaplib fetch:          {bare_n} messages in {bare_s:.2f}s = {bare_rate:,.0f} msg/s"
    )
    print(
        f"honest (fetch+parse+INSERT): {honest_n} messages in {honest_s:.2f}s = "
        f"{honest_rate:,.0f} msg/s"
    )
    print(
        f"jengu reader (read_new):     {read_n} messages in {read_s:.2f}s = "
        f"{read_n / read_s:,.0f} msg/s"
    )
    print(
        f"jengu fetch+classify+store:  {ours_n} messages in {ours_s:.2f}s = {ours_rate:,.0f} msg/s"
    )
    print(f"ratio (jengu / bare):        {ours_rate / bare_rate:.3f}")
    print(f"ratio (jengu / honest):      {ours_rate / honest_rate:.3f}  (target >= 0.5)")


if __name__ == "__main__":
    main()
