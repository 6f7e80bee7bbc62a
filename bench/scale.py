"""Cost that tracks due work, not table size: the same pages, endpoints and passes at 10,000
rows and at 1,000,000 (prospects, contacts, enrollments, outbound emails; a fifth as many inbound
messages; 100 Maildir inboxes; 1% of the outbound emails due, at least 8,000), built with COPY into
databases of their own, on PostgreSQL (built again when earlier runs used up the due emails). Prints the medians at both sizes with their ratio, the EXPLAIN plans of
the send claim and the reply match at the large size, and the RSS of a web and a worker process
after a simulated day at 100 inboxes.

    .venv/bin/python bench/scale.py [--scale 1000000] [--small 10000] [--repeat 7] [--rebuild]

Run by ``make bench`` only: pytest collects ``tests/test_*.py``, never this file.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PAGE_TARGET_MS = 300
RESULT = "RESULT "
BENCH_NOW = datetime(2027, 3, 10, 10, 30, tzinfo=UTC)
SEND_RATIO_TARGET = 1.5


def say(line: str) -> None:
    print(line, flush=True)


def open_database(rows: int, rebuild: bool, prepare: bool = True) -> None:
    """Django on ``jengu_scale_<rows>``, built once (``--rebuild`` builds it again).
    ``prepare=False`` (the web and worker processes whose memory is measured): no migrate and
    no collectstatic in the process, as in production, where the release step runs them; the
    measure step that runs first has done both."""
    os.environ.setdefault("API_THROTTLE_USER", "1000000/min")
    os.environ["JENGU_TESTING"] = "false"  # time_machine imports pytest: say production
    os.environ.setdefault("LOG_LEVEL", "WARNING")  # one JSON line per request would drown the table
    os.environ["JENGU_VAR_DIR"] = str(ROOT / "var" / "bench" / f"scale-{rows}")
    os.environ["JENGU_MAILDIR_ROOT"] = str(ROOT / "var" / "bench" / f"scale-{rows}" / "maildir")
    name = f"jengu_scale_{rows}"
    base = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/x")
    if rebuild:
        _drop(base, name)
    os.environ["BENCH_DATABASE_URL"] = base.rsplit("/", 1)[0] + "/" + name
    from bench._django import setup

    setup(name, migrate=prepare)
    if not prepare:
        return
    from django.core.management import call_command
    from django.db import connection

    from prospects.models import Prospect

    if Prospect.objects.exists() and _due_left() < NEEDED_PER_RUN:
        # Earlier runs sent most of the due backlog: a send pass would measure an empty queue.
        say(f"jengu_scale_{rows}: the due emails ran out in earlier runs; building it again")
        connection.close()
        _drop(base, name)
        setup(name, migrate=True)
    call_command("collectstatic", "--no-input", verbosity=0)  # the manifest production reads
    if not Prospect.objects.exists():
        build(rows)


def _drop(base: str, name: str) -> None:
    import psycopg

    with psycopg.connect(base.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# One run of this benchmark sends up to ~3,700 of the due emails (the measured send passes, the
# EXPLAIN pass and the worker's simulated day), so a database is built again below this.
NEEDED_PER_RUN = 4_000


def _due(rows: int) -> int:
    return max(2 * NEEDED_PER_RUN, rows // 100)


def _due_left() -> int:
    from django.utils import timezone

    from outreach.models import OutboundEmail

    due = OutboundEmail.objects.filter(status="queued", send_after__lte=timezone.now())
    return due.count()


def build(rows: int) -> None:
    from django.db import connection

    from bench import _scale_build
    from bench._scale_fixture import make_fixture

    say(f"building {rows:,} rows ...")
    campaign_id, inbox_ids = make_fixture()
    connection.ensure_connection()
    _scale_build.build(connection.connection, rows, _due(rows), campaign_id, inbox_ids, say)


def median_ms(fn: Any, repeat: int) -> float:
    fn()  # warm the caches and the code paths once
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def measure(rows: int, repeat: int) -> dict[str, float]:
    from bench._scale_fixture import passes, requests

    results: dict[str, float] = {}
    for label, fn in requests(rows):
        results[label] = median_ms(fn, repeat)
        say(f"  {label:<44} {results[label]:9.1f} ms")
    for label, fn in passes():
        results[label] = median_ms(fn, max(3, repeat // 2))
        say(f"  {label:<44} {results[label]:9.1f} ms")
    return results


def table(small: dict[str, float], large: dict[str, float], sizes: tuple[int, int]) -> None:
    say("")
    say(f"{'path':<46} {sizes[0]:>10,} {sizes[1]:>12,}  ratio  target")
    for label, big in large.items():
        little = small.get(label, float("nan"))
        if label.startswith("pass:"):
            target = f"<= {SEND_RATIO_TARGET}x" if "send" in label else "-"
            ok = big <= little * SEND_RATIO_TARGET if "send" in label else True
        else:
            target, ok = f"<= {PAGE_TARGET_MS} ms", big <= PAGE_TARGET_MS
        ratio = big / little if little else float("nan")
        mark = "ok" if ok else "MISSED"
        say(f"{label:<46} {little:8.1f}ms {big:10.1f}ms {ratio:6.2f}  {target:<9} {mark}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=int, default=1_000_000)
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--day-seconds", type=int, default=300)
    parser.add_argument("--child", choices=["web", "worker", "measure", "explain", "refresh"])
    args = parser.parse_args()
    if args.child:
        run_child(args)
        return
    results = {}
    for rows in (args.small, args.scale):
        say(f"== {rows:,} rows (medians of {args.repeat}) ==")
        results[rows] = json_child(["measure", rows, args])
    table(results[args.small], results[args.scale], (args.small, args.scale))
    say("")
    json_child(["explain", args.scale, args])
    say("")
    say(f"memory after a simulated day at 100 inboxes ({args.day_seconds} s of wall time):")
    for kind in ("web", "worker"):
        # Beside the web process, the schedule that keeps the snapshots fresh (console.snapshot)
        # runs in a process of its own, as it does in the worker; the worker runs it itself.
        refresher = spawn(["refresh", args.scale, args]) if kind == "web" else None
        rss = json_child([kind, args.scale, args])
        if refresher is not None:
            refresher.terminate()
            refresher.wait()
        ok = "ok" if rss["rss_mb"] <= 150 else "MISSED"
        say(
            f"  {kind:<7} RSS {rss['rss_mb']:6.1f} MB (peak {rss['peak_mb']:6.1f} MB)  {ok}  {rss['did']}"
        )


def spawn(spec: list[Any]) -> subprocess.Popen[str]:
    kind, rows, args = spec
    argv = [sys.executable, __file__, "--child", kind, "--scale", str(rows)]
    argv += ["--repeat", str(args.repeat), "--day-seconds", str(args.day_seconds)]
    argv += ["--rebuild"] if args.rebuild and kind == "measure" else []
    return subprocess.Popen(argv, stdout=subprocess.PIPE, text=True)


def json_child(spec: list[Any]) -> dict[str, Any]:
    """The child prints its progress; its last line is the JSON result."""
    import json

    kind = spec[0]
    proc = spawn(spec)
    last = ""
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.startswith(RESULT):
            last = line[len(RESULT) :]
        else:
            print(line, end="", flush=True)
    if proc.wait() != 0:
        raise SystemExit(f"scale: the {kind} step failed")
    return json.loads(last)


def run_child(args: argparse.Namespace) -> None:
    import json

    if args.child in ("web", "worker"):
        # time_machine imports pytest when it can (its fixture): 21 MB that no production
        # process carries. The processes whose memory is measured go without it.
        sys.modules["pytest"] = None  # type: ignore[assignment]
    import time_machine

    # Inside the recipients' business hours on a working day: the send pass sends, as it would
    # at 10:00 on a Wednesday, whatever the day the benchmark runs.
    with time_machine.travel(BENCH_NOW, tick=True):
        open_database(args.scale, args.rebuild, prepare=args.child in ("measure", "explain"))
        from bench import _scale_fixture as fx

        if args.child == "measure":
            result: Any = measure(args.scale, args.repeat)
        elif args.child == "explain":
            fx.explain_plans(say)
            result = None
        elif args.child == "web":
            result = fx.simulate_web(args.day_seconds)
        elif args.child == "refresh":
            result = fx.refresh_every_minute(args.day_seconds + 120)
        else:
            result = fx.simulate_worker(args.day_seconds)
    print(RESULT + json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
