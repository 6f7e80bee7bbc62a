"""Structured logging: one JSON line per event, carrying the request or task id.

Secrets never reach a log line: ``redact()`` masks known secret values in messages, and
callers log ids, never credentials.
"""

from __future__ import annotations

import contextvars
import json
import logging
import uuid
from collections.abc import Callable
from datetime import UTC, datetime

from django.http import HttpRequest, HttpResponse

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")
task_id: contextvars.ContextVar[str] = contextvars.ContextVar("task_id", default="")

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
    "ALERT_WEBHOOK_SECRET",
    "STORAGE_SECRET_ACCESS_KEY",
    "METRICS_TOKEN",
)


def _secret_values() -> list[str]:
    from django.conf import settings

    values = [str(getattr(settings, n, "") or "") for n in _SECRET_NAMES]
    values.append(settings.JENGU.get("ALERT_WEBHOOK_SECRET", ""))
    return [v for v in values if len(v) >= 6]


def redact(text: str) -> str:
    for value in _secret_values():
        text = text.replace(value, "***")
    return text


class ContextFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        record.task_id = task_id.get()
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


class RequestIdMiddleware:
    """Tags every log line of a request with its id (from ``X-Request-ID`` or a new one)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        rid = incoming if incoming.isascii() and 0 < len(incoming) <= 64 else uuid.uuid4().hex
        token = request_id.set(rid)
        try:
            response = self.get_response(request)
        finally:
            request_id.reset(token)
        response["X-Request-ID"] = rid
        return response
