"""A big import through the background path while the web server keeps answering.

    .venv/bin/python bench/import_job.py [--rows 200000] [--one-city 20000] [--db jengu_bench_job]

Generates the CSV of ``bench/import.py`` (fixed seed: hotels in 300 cities, ~4% duplicate
variants, ~1% bad rows) with ``--one-city`` rows in one city, named alike ("Hotel Teste Número
000010": the near-duplicate check's worst case). Starts gunicorn as the Procfile does
(``deploy/gunicorn.conf.py``, 2 workers) and ``manage.py qcluster`` (2 workers) on a PostgreSQL
database of its own, uploads the file to ``POST /api/prospects/import`` with an operator's token, and
polls the job until it is done, while a thread asks ``GET /api/health`` every 0.5 s.

Prints the upload's answer time, the import's time, the peak RSS of each qcluster process
(``VmHWM`` in /proc: the one doing the import is the largest) and of the web workers, and the
slowest health answer. Exits 1 when the import fails, a process peaks over 500 MB, or a health
answer takes 1 s or more (or fails).
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import _django

ROOT = _django.ROOT
PORT = 8765
BASE = f"http://127.0.0.1:{PORT}"
LIMIT_MB, HEALTH_LIMIT = 500, 1.0


def prepare(db_name: str) -> tuple[str, str]:
    """Migrate, empty the tables, make an operator's token; (database URL, token)."""
    url = _django.setup(db_name)
    from django.contrib.auth import get_user_model
    from django.db import connection
    from rest_framework.authtoken.models import Token

    from core.role_groups import user_set_role

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE prospects_prospect, prospects_contact, prospects_prospectevent, "
            "prospects_duplicatehint, prospects_pipelinerun, prospects_importjob, "
            "django_q_ormq, django_q_task RESTART IDENTITY CASCADE"
        )
    user, _ = get_user_model().objects.get_or_create(username="bench")
    user_set_role(user=user, role="operator")  # imports are an operator's work (README "Roles")
    token, _ = Token.objects.get_or_create(user=user)
    return url, token.key


def start(args: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        args, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, start_new_session=True
    )


def stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the main process (it stops its children), then SIGKILL to what is left."""
    process.send_signal(signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=30)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)


def descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo += children.get(current, [])
    return found


def peak_mb(pid: int) -> float:
    """The process's peak resident set (VmHWM), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


class HealthPoller(threading.Thread):
    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.latencies: list[float] = []
        self.failures: list[str] = []
        self.stop = threading.Event()

    def run(self) -> None:
        with httpx.Client(timeout=10) as client:
            while not self.stop.is_set():
                started, detail = time.perf_counter(), ""
                try:
                    status = client.get(f"{BASE}/api/health").status_code
                except httpx.HTTPError as exc:
                    status, detail = 0, type(exc).__name__
                self.latencies.append(time.perf_counter() - started)
                if status != 200:
                    self.failures.append(detail if status == 0 else str(status))
                self.stop.wait(0.5)


def wait_for_web(seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{BASE}/api/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise SystemExit("gunicorn did not answer")


def upload(path: Path, token: str) -> tuple[float, dict[str, Any]]:
    headers = {"Authorization": f"Token {token}"}
    started = time.perf_counter()
    with path.open("rb") as handle:
        response = httpx.post(
            f"{BASE}/api/prospects/import",
            files={"file": (path.name, handle, "text/csv")},
            headers=headers,
            timeout=60,
        )
    elapsed = time.perf_counter() - started
    if response.status_code != 202:
        raise SystemExit(f"upload answered {response.status_code}: {response.text[:300]}")
    return elapsed, response.json()


def follow(url: str, token: str) -> dict[str, Any]:
    headers = {"Authorization": f"Token {token}"}
    last = ""
    while True:
        body = httpx.get(f"{BASE}{url}", headers=headers, timeout=10).json()
        line = f"  {body['state']:8} {body['rows_done']:>8,} / {body['rows_total']:,} rows"
        if line != last:
            print(line, flush=True)
            last = line
        if body["state"] in ("done", "failed"):
            return body
        time.sleep(2)


def run(args: argparse.Namespace, path: Path) -> int:
    url, token = prepare(args.db)
    env = {**os.environ, "DATABASE_URL": url, "LOG_LEVEL": "WARNING", "WEB_CONCURRENCY": "2",
           "Q_WORKERS": "2", "GUNICORN_BIND": f"127.0.0.1:{PORT}"}  # fmt: skip
    env.pop("DJANGO_SETTINGS_MODULE", None)
    python = str(ROOT / ".venv" / "bin" / "python")
    web = start(
        [str(ROOT / ".venv/bin/gunicorn"), "-c", "deploy/gunicorn.conf.py", "jengu.wsgi"], env
    )
    worker = start([python, "manage.py", "qcluster"], env)
    poller = HealthPoller()
    try:
        wait_for_web()
        poller.start()
        answered, queued = upload(path, token)
        print(f"upload answered 202 in {answered:.2f} s: {queued}")
        body = follow(queued["url"], token)
        peaks = {pid: peak_mb(pid) for pid in descendants(worker.pid)}
        web_peaks = {pid: peak_mb(pid) for pid in descendants(web.pid)}
    finally:
        poller.stop.set()
        for process in (web, worker):
            stop(process)
    return report(body, peaks, web_peaks, poller)


def report(
    body: dict[str, Any], peaks: dict[int, float], web: dict[int, float], poller: HealthPoller
) -> int:
    from datetime import datetime

    if body["state"] != "done":
        print(f"import {body['state']}: {body['errors'][:3]}\nFAIL")
        return 1
    started, finished = (datetime.fromisoformat(body[k]) for k in ("started_at", "finished_at"))
    seconds = (finished - started).total_seconds()
    print(
        f"import {body['state']}: {seconds:.1f} s, {body['rows_total'] / seconds:,.0f} rows/s "
        f"(created {body['created']:,}, updated {body['updated']:,}, duplicates "
        f"{body['duplicates']:,}, errors {body['error_count']:,}, hints {body['hints']:,})"
    )
    print(
        "qcluster peak RSS (MB): "
        + ", ".join(f"{mb:.0f}" for mb in sorted(peaks.values(), reverse=True))
    )
    print(
        "gunicorn peak RSS (MB): "
        + ", ".join(f"{mb:.0f}" for mb in sorted(web.values(), reverse=True))
    )
    slowest = max(poller.latencies, default=0.0)
    print(
        f"GET /api/health: {len(poller.latencies)} answers, slowest {slowest * 1000:.0f} ms, failures {len(poller.failures)}"
    )
    ok = body["state"] == "done" and max(peaks.values()) < LIMIT_MB
    ok = ok and slowest < HEALTH_LIMIT and not poller.failures
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--one-city", type=int, default=20_000)
    parser.add_argument("--db", default="jengu_bench_job")
    parser.add_argument("--keep", type=Path, help="keep the generated CSV at this path")
    args = parser.parse_args()
    generate = importlib.import_module("bench.import").generate  # "import" is a keyword
    with tempfile.TemporaryDirectory() as tmp:
        path = args.keep or Path(tmp) / "prospects.csv"
        generate(path, args.rows, one_city=args.one_city)
        print(
            f"{args.rows:,} rows ({args.one_city:,} in one city), {path.stat().st_size / 1e6:.1f} MB"
        )
        code = run(args, path)
    sys.exit(code)


if __name__ == "__main__":
    main()
