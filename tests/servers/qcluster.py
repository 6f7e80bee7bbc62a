"""A real ``manage.py qcluster`` for the tests, and a way to SIGKILL the worker running a task.

The cluster runs in a subprocess on the test database (the test needs
``django_db(transaction=True)`` so the subprocess sees its rows) with the ORM broker unless the
caller sets ``REDIS_URL``. Its JSON log goes to a file; django-q2 logs "<name> ready for work at
<pid>" when a worker starts and "<name> processing <task> '<func>'" when it takes a task, which is
how ``worker_running`` finds the process to kill (no psutil needed). The pid is checked against
the cluster's process tree read from ``/proc/<pid>/task/*/children`` (Linux).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Self

from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
_READY = re.compile(r"^(?P<name>\S+) ready for work at (?P<pid>\d+)$")
_PROCESSING = re.compile(r"^(?P<name>\S+) processing \S+ '(?P<func>[^']+)'")


def database_url() -> str:
    """The database the test runs on (pytest-django's test database), for a subprocess."""
    s = connection.settings_dict
    return f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def cluster_env(var_dir: Path, **extra: str) -> dict[str, str]:
    """The environment of a cluster node sharing this test's database and keys."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        # the same keys as this process: task signatures and the inbox passwords at rest
        "SECRET_KEY": settings.SECRET_KEY,
        "JENGU_VAR_DIR": str(var_dir),
        "LOG_LEVEL": "INFO",
    }
    env.pop("REDIS_URL", None)  # the database is the broker unless the caller says otherwise
    if settings.FIELD_ENCRYPTION_KEY:
        env["FIELD_ENCRYPTION_KEY"] = settings.FIELD_ENCRYPTION_KEY
    return {**env, **extra}


def descendants(pid: int) -> set[int]:
    """Every live process below ``pid`` (children of each of its threads, recursively)."""
    found: set[int] = set()
    todo = [pid]
    while todo:
        parent = todo.pop()
        for children in Path(f"/proc/{parent}/task").glob("*/children"):
            with contextlib.suppress(OSError):  # the thread ended while we looked
                for child in map(int, children.read_text().split()):
                    if child not in found:
                        found.add(child)
                        todo.append(child)
    return found


class QCluster:
    """``with QCluster(env, log_path) as cluster: ...; cluster.kill_worker("app.tasks.f")``."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.env, self.log = env, log
        self.proc: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Self:
        self.proc = subprocess.Popen(
            [sys.executable, "manage.py", "qcluster"],
            cwd=ROOT,
            env=self.env,
            stdout=self.log.open("wb"),
            stderr=subprocess.STDOUT,
        )
        return self

    def __exit__(self, *exc: object) -> None:
        proc, self.proc = self.proc, None
        if proc is None or proc.poll() is not None:
            return
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()

    def events(self) -> list[dict[str, Any]]:
        out = []
        for line in self.log.read_text(errors="replace").splitlines():
            with contextlib.suppress(ValueError):  # a line cut by a concurrent write
                if line.startswith("{"):
                    out.append(json.loads(line))
        return out

    def messages(self) -> list[str]:
        return [str(e.get("event", "")) for e in self.events()]

    def worker_running(self, func: str) -> tuple[str, int]:
        """The name and pid of the worker that last took a task calling ``func``."""
        pids, name = {}, None
        for text in self.messages():
            if ready := _READY.match(text):
                pids[ready["name"]] = int(ready["pid"])
            elif (taken := _PROCESSING.match(text)) and taken["func"] == func:
                name = taken["name"]
        assert name is not None, f"no worker took {func}:\n{self.tail()}"
        assert self.proc is not None and pids[name] in descendants(self.proc.pid)
        return name, pids[name]

    def kill_worker(self, func: str) -> str:
        """SIGKILL the worker running ``func``; returns its name (see ``reincarnated``)."""
        name, pid = self.worker_running(func)
        os.kill(pid, signal.SIGKILL)
        return name

    def reincarnated(self, name: str) -> bool:
        return f"reincarnated worker {name} after death" in self.messages()

    def wait(self, until: Callable[[], Any], seconds: float, what: str) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if until():
                return
            assert self.proc is not None and self.proc.poll() is None, (
                f"the cluster died:\n{self.tail()}"
            )
            time.sleep(0.05)
        raise AssertionError(f"timed out waiting for {what}:\n{self.tail()}")

    def tail(self, chars: int = 4000) -> str:
        return self.log.read_text(errors="replace")[-chars:] if self.log.exists() else ""
