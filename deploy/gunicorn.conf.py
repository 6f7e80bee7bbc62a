"""gunicorn settings for Jengu's web process: ``gunicorn -c deploy/gunicorn.conf.py jengu.wsgi``.

Every knob is an environment variable, so the Procfile, the systemd unit and a container all
use this one file. Logs: gunicorn's own lines are JSON like the app's; the per-request line comes
from the app (``jengu.request``, with the request id), so gunicorn's access log is off.
"""

from __future__ import annotations

import multiprocessing
import os

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

accesslog = None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "core.logging.JsonFormatter"}},
    "handlers": {
        "json": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "stream": "ext://sys.stdout",
        }
    },
    "root": {"level": "INFO", "handlers": ["json"]},
    "loggers": {
        # not propagated: the app replaces the root handlers in each worker
        "gunicorn.error": {"level": "INFO", "handlers": ["json"], "propagate": False},
        "gunicorn.access": {"level": "INFO", "handlers": ["json"], "propagate": False},
    },
}
