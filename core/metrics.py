"""Jengu's own Prometheus metrics, who may read /metrics, and the multiprocess folder.

prometheus_client runs in multiprocess mode: each process (gunicorn workers, qcluster workers)
writes its samples to files under ``PROMETHEUS_MULTIPROC_DIR`` (default ``var/prometheus``, set
in ``jengu.settings.environment``) and a scrape adds them all up. The view is
``console.metrics``; django-prometheus adds the standard ``django_http_*`` and ``django_db_*``
metrics beside these.
"""

from __future__ import annotations

import hmac
import multiprocessing
import os
import re
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.exposition import choose_encoder
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

from core.roles import VIEWER, has_role

HTTP_REQUESTS = Counter(
    "jengu_http_requests", "HTTP responses by method and status", ("method", "status")
)
# A send pass runs inside POST /api/admin/trigger-send: the buckets reach two minutes.
HTTP_SECONDS = Histogram(
    "jengu_http_request_seconds",
    "Time spent in the app per request",
    ("method",),
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 120, float("inf")),
)
TASKS = Counter("jengu_tasks", "django-q2 tasks run, by function and outcome", ("func", "success"))

# Any other method a client invents is one label value, so no one can grow the series.
_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}


class MetricsMiddleware:
    """Counts every response by method and status and times it (innermost middleware)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        start = time.perf_counter()
        response = self.get_response(request)
        method = request.method if request.method in _METHODS else "other"
        HTTP_SECONDS.labels(method).observe(time.perf_counter() - start)
        HTTP_REQUESTS.labels(method, str(response.status_code)).inc()
        return response


def _task_name(func: Any) -> str:
    return func if isinstance(func, str) else getattr(func, "__qualname__", "unknown")


def _task_done(sender: Any, task: dict | None = None, **kwargs: Any) -> None:
    task = task or {}
    success = "true" if task.get("success") else "false"
    TASKS.labels(_task_name(task.get("func")), success).inc()


def connect_task_signals() -> None:
    """Count every django-q2 task where it runs (a qcluster worker, or inline when sync)."""
    from django_q.signals import post_execute_in_worker

    post_execute_in_worker.connect(_task_done, dispatch_uid="core.metrics.task_done")


# --- who may read /metrics --------------------------------------------------------------------
def _viewer_token(request: HttpRequest) -> bool:
    try:
        found = TokenAuthentication().authenticate(request)  # type: ignore[arg-type]
    except AuthenticationFailed:
        return False
    return bool(found and has_role(found[0], VIEWER))


def allowed(request: HttpRequest) -> bool:
    """``Bearer METRICS_TOKEN``, the API token (``Token …``) or the session of a user with a
    role (core.roles: viewer and up)."""
    token = settings.JENGU.get("METRICS_TOKEN", "")
    header = request.headers.get("Authorization", "")
    if token and hmac.compare_digest(header.encode(), f"Bearer {token}".encode()):
        return True
    if header.startswith("Token "):
        return _viewer_token(request)
    return has_role(request.user, VIEWER)


def exposition(request: HttpRequest, collectors: Sequence[Collector]) -> HttpResponse:
    """Every process's samples added up, plus ``collectors``, in the format the scraper asks for."""
    registry = CollectorRegistry()
    MultiProcessCollector(registry)
    for collector in collectors:
        registry.register(collector)
    encoder, content_type = choose_encoder(request.headers.get("Accept", ""))
    return HttpResponse(encoder(registry), content_type=content_type)


# --- the multiprocess folder ------------------------------------------------------------------
_PID = re.compile(r"_(\d+)\.db$")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process, alive
        pass
    return True


def clear_dead_process_files(path: str | Path | None = None) -> int:
    """Delete the sample files of processes that are gone; returns how many.

    Called when the server or the cluster starts (gunicorn's ``on_starting``, ``serve``, a bare
    ``qcluster``). Files of live processes stay: gunicorn restarting must not wipe what the
    running qcluster counted (nor the other way round). Counters restart from the live share,
    which Prometheus' ``rate()`` treats as a reset.
    """
    folder = Path(path or os.environ["PROMETHEUS_MULTIPROC_DIR"])
    removed = 0
    for file in folder.glob("*.db"):
        match = _PID.search(file.name)
        if match and not _alive(int(match[1])):
            file.unlink(missing_ok=True)
            removed += 1
    return removed


def on_process_start(argv: Sequence[str]) -> None:
    """A bare ``manage.py qcluster`` clears the dead processes' files once, in its main process."""
    if argv[1:2] == ["qcluster"] and multiprocessing.parent_process() is None:
        clear_dead_process_files()
