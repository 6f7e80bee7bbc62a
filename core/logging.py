"""Structured logging: one JSON line per event, carrying the request or task id.

Requests get an id from ``RequestIdMiddleware`` (and one "request" line each); django-q2 tasks
get theirs from the ``pre_execute`` signal (``connect_task_signals``, wired in
``JenguConfig.ready``). Secrets never reach a log line: ``redact()`` masks known secret values
in messages, and callers log ids, never credentials.
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from django.http import HttpRequest, HttpResponse

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")
task_id: contextvars.ContextVar[str] = contextvars.ContextVar("task_id", default="")
task_name: contextvars.ContextVar[str] = contextvars.ContextVar("task_name", default="")
access_log = logging.getLogger("jengu.request")

_SECRET_NAMES = (
    "SECRET_KEY",
    "FIELD_ENCRYPTION_KEY",
    "GROK_API_KEY",
    "ANTHROPIC_API_KEY",
    "OPENAI_API_KEY",
    "AZURE_CLIENT_SECRET",
    "HUNTER_API_KEY",
    "APOLLO_API_KEY",
    "MILLIONVERIFIER_API_KEY",
    "GOOGLE_PLACES_API_KEY",
)  # plus those kept elsewhere in the settings: see _secret_values


def _url_password(url: str) -> str:
    try:
        return urlsplit(url).password or ""
    except ValueError:
        return ""


def _secret_values() -> list[str]:
    from django.conf import settings

    if not settings.configured:  # e.g. gunicorn's master before the app is loaded
        return []
    values = [str(getattr(settings, n, "") or "") for n in _SECRET_NAMES]
    jengu = getattr(settings, "JENGU", {})
    values += [jengu.get(n, "") for n in ("ALERT_WEBHOOK_SECRET", "ALERT_WEBHOOK_URL")]
    values.append(jengu.get("METRICS_TOKEN", ""))
    options = settings.STORAGES.get("default", {}).get("OPTIONS", {})
    values.append(options.get("secret_key") or "")
    values.append(settings.DATABASES.get("default", {}).get("PASSWORD") or "")
    values.append(_url_password(getattr(settings, "REDIS_URL", "")))
    return [v for v in values if len(v) >= 6]


# Unsubscribe tokens are capabilities: a log reader should not be able to use them.
_UNSUBSCRIBE_PATH = re.compile(r"/u/[A-Za-z0-9_-]{20,64}")


def redact(text: str) -> str:
    for value in _secret_values():
        text = text.replace(value, "***")
    return _UNSUBSCRIBE_PATH.sub("/u/***", text)


class ContextFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        record.task_id = task_id.get()
        record.task_func = task_name.get()
        return True


class JsonFormatter(logging.Formatter):
    _skip = set(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {"message"}

    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, object] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "event": redact(record.getMessage()),
        }
        for key, value in record.__dict__.items():
            if key not in self._skip and value not in ("", None):
                payload[key] = (
                    value if isinstance(value, int | float | bool) else redact(str(value))
                )
        if record.exc_info:
            payload["exc"] = redact(self.formatException(record.exc_info))
        return json.dumps(payload, ensure_ascii=False)


# A proxy's id is kept when it is a plain token; anything else gets a fresh one.
_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")


class RequestIdMiddleware:
    """Tags every log line of a request with its id (from ``X-Request-ID`` or a new one)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        rid = incoming if _REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
        token = request_id.set(rid)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            access_log.info(
                "request",
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                },
            )
        finally:
            request_id.reset(token)
        response["X-Request-ID"] = rid
        return response


# --- django-q2 tasks ------------------------------------------------------------------------
def _task_started(sender: Any, task: dict | None = None, **kwargs: Any) -> None:
    task = task or {}
    name = task.get("func")  # the dotted path, or the callable itself
    task_id.set(str(task.get("id") or ""))
    task_name.set(name if isinstance(name, str) else getattr(name, "__qualname__", ""))


def _task_finished(sender: Any, **kwargs: Any) -> None:
    task_id.set("")
    task_name.set("")


def connect_task_signals() -> None:
    """Tag every log line a django-q2 task writes with its task id and function."""
    from django_q.signals import post_execute_in_worker, pre_execute

    pre_execute.connect(_task_started, dispatch_uid="core.logging.task_started")
    post_execute_in_worker.connect(_task_finished, dispatch_uid="core.logging.task_finished")
