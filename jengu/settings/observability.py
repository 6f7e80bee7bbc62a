"""Logs and metrics: structlog renders every stdlib log line; prometheus_client counts.

``JENGU_LOG_FORMAT``: ``json`` (default, one object per line) or ``console`` (``make run``).
Metrics: django-prometheus' middleware and database wrappers add the standard ``django_http_*``
and ``django_db_*`` series beside Jengu's own (``core.metrics``); the multiprocess folder is set
in ``environment.py``.
"""

from __future__ import annotations

from jengu.settings.environment import env

LOG_FORMAT = env.str("JENGU_LOG_FORMAT", default="json")
LOGGING_CONFIG = "core.logging.configure"  # structlog.configure, then dictConfig(LOGGING)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"structlog": {"()": "core.logging.formatter", "renderer": LOG_FORMAT}},
    "handlers": {"stdout": {"class": "logging.StreamHandler", "formatter": "structlog"}},
    "root": {"handlers": ["stdout"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # django-q2 adds a plain-text handler of its own unless its logger already has one
        # (through the root's here), so its lines are JSON like the rest.
        "django-q": {"level": env.str("LOG_LEVEL", default="INFO")},
        "django.server": {"level": "WARNING"},
        "httpx": {"level": "WARNING"},
        "httpcore": {"level": "WARNING"},
        "httpx2": {"level": "WARNING"},
        "mail.log": {"level": "WARNING"},
        "msal": {"level": "WARNING"},
        "botocore": {"level": "WARNING"},
        "urllib3": {"level": "WARNING"},
    },
}

# django-prometheus' wrappers of the backends Django ships: queries, errors, connections and
# query time per database, same behaviour otherwise (connection.vendor does not change).
_INSTRUMENTED = {
    "django.db.backends.postgresql": "django_prometheus.db.backends.postgresql",
    "django.db.backends.sqlite3": "django_prometheus.db.backends.sqlite3",
}


def instrumented(engine: str) -> str:
    return _INSTRUMENTED.get(engine, engine)
