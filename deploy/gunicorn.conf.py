"""gunicorn settings for Jengu's web process: ``gunicorn -c deploy/gunicorn.conf.py jengu.wsgi``.

Every knob is an environment variable, so the Procfile, the systemd unit, ``manage.py serve``
and a container all use this one file. Logs: gunicorn's own lines go through the app's structlog
formatter (JSON, or ``JENGU_LOG_FORMAT=console``); the per-request line comes from the app
(``jengu.request``, with the request id), so gunicorn's access log is off unless
``GUNICORN_ACCESS_LOG=true``. Metrics: the master clears dead processes' sample files on start
and forgets each worker that exits (prometheus_client's multiprocess mode).
"""

from __future__ import annotations

import multiprocessing
import os
from typing import Any

# Sets PROMETHEUS_MULTIPROC_DIR (default var/prometheus) before prometheus_client is imported
# anywhere: the workers forked from this master inherit both.
from jengu.settings.environment import METRICS_DIR, VAR_DIR

# Behind a reverse proxy (TLS there): listen on loopback. A PaaS sets PORT and needs 0.0.0.0.
bind = os.environ.get("GUNICORN_BIND") or (
    f"0.0.0.0:{os.environ['PORT']}" if os.environ.get("PORT") else "127.0.0.1:8000"
)
workers = int(os.environ.get("WEB_CONCURRENCY") or min(2 * multiprocessing.cpu_count() + 1, 8))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
# POST /api/admin/trigger-send runs a whole send pass inside the request.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then, so a slow leak never becomes an outage.
max_requests = 2000
max_requests_jitter = 200
# Proxies gunicorn believes about X-Forwarded-*. Django trusts X-Forwarded-Proto from anyone
# who reaches this port, so only the proxy may: bind to loopback, or firewall the port.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# gunicorn 25+ opens a control socket (for `gunicornc`), by default in $XDG_RUNTIME_DIR or
# ~/.gunicorn/: keep it with the rest of Jengu's runtime files, one per install.
control_socket = os.environ.get("GUNICORN_CONTROL_SOCKET") or str(VAR_DIR / "gunicorn.ctl")

# gunicorn's access line repeats the app's `jengu.request` line; when it is on it is JSON too.
ACCESS_LOG = os.environ.get("GUNICORN_ACCESS_LOG", "false").lower() in ("1", "true", "yes")
accesslog = "-" if ACCESS_LOG else None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
_handler = {
    "class": "logging.StreamHandler",
    "formatter": "structlog",
    "stream": "ext://sys.stdout",
}
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "structlog": {
            "()": "core.logging.formatter",
            "renderer": os.environ.get("JENGU_LOG_FORMAT", "json"),
        }
    },
    "handlers": {"structlog": _handler},
    "root": {"level": "INFO", "handlers": ["structlog"]},
    "loggers": {
        # not propagated: the app replaces the root handlers in each worker
        "gunicorn.error": {"level": "INFO", "handlers": ["structlog"], "propagate": False},
        "gunicorn.access": {
            "level": "INFO" if ACCESS_LOG else "WARNING",
            "handlers": ["structlog"],
            "propagate": False,
        },
    },
}


def on_starting(server: Any) -> None:
    from core.metrics import clear_dead_process_files

    clear_dead_process_files(METRICS_DIR)


def child_exit(server: Any, worker: Any) -> None:
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid, str(METRICS_DIR))
