"""Warmup reservations per second on PostgreSQL, beside a bare single-row UPDATE counter.

Both sides run the same number of operations from the same number of threads, each thread on
its own connection, against one hot row:

- ``warmup_reserve``: Jengu's real code (one conditional UPDATE; the insert only on the day's
  first reservation) on one inbox with a limit too large to reach, in autocommit like the raw
  side (the target's figure), and once more with one ``transaction.atomic()`` per reservation
  (BEGIN and COMMIT are two more round trips, with the row lock held across them: the claim
  pays those once for all it does, see ``bench/send_pipeline.py``);
- raw: ``UPDATE bench_counter SET n = n + 1`` in autocommit through psycopg, the floor that
  any row-lock counter on this database pays.

Run: ``.venv/bin/python bench/warmup_reserve.py [--ops 4000] [--workers 8] [--rounds 3]``. DATABASE_URL
defaults to postgres://postgres@127.0.0.1:5432/jengu_bench; the database is created and migrated
when missing.
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
from collections.abc import Callable
from contextlib import nullcontext
from pathlib import Path

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/jengu_bench"
BENCH_KEY = "bench-warmup"


def ensure_database(url: str) -> None:
    params = conninfo_to_dict(url)
    name = str(params.get("dbname") or "")
    with psycopg.connect(**{**params, "dbname": "postgres"}, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            return
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        print(f"created database {name}")


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jengu.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)


def run_threads(workers: int, work: Callable[[int], None]) -> float:
    """Start ``workers`` threads together; the seconds until the last one finished."""
    barrier = threading.Barrier(workers + 1)
    errors: list[BaseException] = []

    def body(index: int) -> None:
        barrier.wait()
        try:
            work(index)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=body, args=(i,)) for i in range(workers)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    if errors:
        raise RuntimeError(f"{len(errors)} worker(s) failed: {errors[0]!r}")
    return elapsed


def shares(ops: int, workers: int) -> list[int]:
    return [ops // workers + (1 if i < ops % workers else 0) for i in range(workers)]


def bench_warmup(ops: int, workers: int, *, atomic: bool) -> float:
    from django.db import connection, transaction
    from django.utils import timezone

    from inboxes.models import Inbox, InboxDay
    from inboxes.services import warmup_reserve

    now = timezone.now()
    inbox, _ = Inbox.objects.update_or_create(
        key=BENCH_KEY,
        defaults={
            "provider": Inbox.Provider.MAILDIR,
            "address": "bench@jengu.test",
            "warmup_schedule": "1000000",
            "warmup_start": now.date(),
            "status": Inbox.Status.ACTIVE,
        },
    )
    InboxDay.objects.filter(inbox=inbox).delete()
    per_worker = shares(ops, workers)
    refused: list[int] = []

    def work(index: int) -> None:
        mine = Inbox.objects.get(pk=inbox.pk)  # each thread its own instance and connection
        try:
            for _ in range(per_worker[index]):
                with transaction.atomic() if atomic else nullcontext():
                    if warmup_reserve(inbox=mine, now=now) is None:
                        refused.append(index)
        finally:
            connection.close()

    elapsed = run_threads(workers, work)
    reserved = InboxDay.objects.get(inbox=inbox, date=now.date()).reserved
    if refused or reserved != ops:
        raise RuntimeError(f"expected {ops} reservations, got {reserved} ({len(refused)} refused)")
    return elapsed


def bench_raw(url: str, ops: int, workers: int) -> float:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS bench_counter (id int PRIMARY KEY, n bigint)")
        conn.execute("INSERT INTO bench_counter VALUES (1, 0) ON CONFLICT (id) DO UPDATE SET n = 0")
    per_worker = shares(ops, workers)
    connections = [psycopg.connect(url, autocommit=True) for _ in range(workers)]

    def work(index: int) -> None:
        for _ in range(per_worker[index]):
            connections[index].execute("UPDATE bench_counter SET n = n + 1 WHERE id = 1")

    try:
        elapsed = run_threads(workers, work)
    finally:
        for conn in connections:
            conn.close()
    with psycopg.connect(url, autocommit=True) as conn:
        row = conn.execute("SELECT n FROM bench_counter WHERE id = 1").fetchone()
    if row is None or row[0] != ops:
        raise RuntimeError(f"expected the counter at {ops}, got {row}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--ops", type=int, default=4000, help="operations on each side")
    parser.add_argument("--workers", type=int, default=8, help="threads, one connection each")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds, best kept")
    args = parser.parse_args()
    url = os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("this benchmark needs PostgreSQL: set DATABASE_URL=postgres://...")
    ensure_database(url)
    setup_django()

    # Alternating rounds, best of each side: a shared machine's load then hits both alike.
    warmup_s = atomic_s = raw_s = float("inf")
    for _ in range(args.rounds):
        warmup_s = min(warmup_s, bench_warmup(args.ops, args.workers, atomic=False))
        atomic_s = min(atomic_s, bench_warmup(args.ops, args.workers, atomic=True))
        raw_s = min(raw_s, bench_raw(url, args.ops, args.workers))
    warmup_rate, raw_rate, atomic_rate = args.ops / warmup_s, args.ops / raw_s, args.ops / atomic_s
    print(
        f"PostgreSQL, {args.workers} workers, {args.ops} operations each side, "
        f"best of {args.rounds} alternating rounds"
    )
    print(f"warmup_reserve:     {warmup_rate:9.0f} reservations/s  ({warmup_s:.2f} s)")
    print(f"  in its own txn:   {atomic_rate:9.0f} reservations/s  ({atomic_s:.2f} s)")
    print(f"raw UPDATE counter: {raw_rate:9.0f} updates/s       ({raw_s:.2f} s)")
    print(f"ratio warmup/raw:   {warmup_rate / raw_rate:9.2f}   (target >= 0.5)")
    print(f"  in its own txn:   {atomic_rate / raw_rate:9.2f}")


if __name__ == "__main__":
    main()
