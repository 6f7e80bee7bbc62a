"""Structured logging through structlog: one JSON object per line, carrying the request or task id.

Every stdlib ``logging`` call (the app's, Django's, django-q2's, gunicorn's) is rendered by
structlog's ``ProcessorFormatter`` (``formatter()``, used by ``settings.LOGGING`` and
``deploy/gunicorn.conf.py``); ``JENGU_LOG_FORMAT=console`` renders aligned, coloured lines for
``make run`` instead. Requests get an id from ``RequestIdMiddleware`` (and one ``jengu.request``
line each); django-q2 tasks get theirs from the ``pre_execute`` signal (``connect_task_signals``,
wired in ``CoreConfig.ready``); both are bound with ``structlog.contextvars``, so every line
written meanwhile carries them. Secrets never reach a log line: the ``redact`` processor masks
known secret values in every field, and callers log ids, never credentials.
"""

from __future__ import annotations

import logging
import logging.config
import re
import time
import uuid
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlsplit

import structlog
from django.http import HttpRequest, HttpResponse
from structlog.typing import EventDict, Processor

access_log = structlog.stdlib.get_logger("jengu.request")

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


def redact(_: Any, __: str, event_dict: EventDict) -> EventDict:
    """Masks secret values and unsubscribe tokens in every field (numbers pass unchanged)."""
    secrets = _secret_values()
    for key, value in event_dict.items():
        if value is None or isinstance(value, int | float | bool):
            continue
        text = str(value)
        for secret in secrets:
            text = text.replace(secret, "***")
        event_dict[key] = _UNSUBSCRIBE_PATH.sub("/u/***", text)
    return event_dict


def _request_fields(_: Any, __: str, event_dict: EventDict) -> EventDict:
    """Request id for lines logged after the middleware has returned.

    Django's ``django.request`` warning (a 404, a 500) passes the request; gunicorn's access log
    passes its atoms, with the response's ``X-Request-ID`` among them.
    """
    atoms = event_dict.pop("positional_args", None)
    request = event_dict.get("request")
    if isinstance(request, HttpRequest) and "jengu.request_id" in request.META:
        event_dict.setdefault("request_id", request.META["jengu.request_id"])
    if event_dict.get("logger") == "gunicorn.access" and isinstance(atoms, Mapping):
        event_dict.update(
            method=atoms.get("m"),
            path=atoms.get("U"),
            status=int(atoms.get("s") or 0),
            duration_ms=round((atoms.get("D") or 0) / 1000, 1),
            remote_addr=atoms.get("h"),
            request_id=atoms.get("{x-request-id}o"),
        )
    return event_dict


def _drop_formatter_leftovers(_: Any, __: str, event_dict: EventDict) -> EventDict:
    for key in ("message", "asctime", "color_message"):  # set by other formatters on the record
        event_dict.pop(key, None)
    return event_dict


def _json_shape(_: Any, __: str, event_dict: EventDict) -> EventDict:
    """``ts, level, logger, event`` lead every line; a traceback is ``exc`` (as before)."""
    if "exception" in event_dict:
        event_dict["exc"] = event_dict.pop("exception")
    lead = {k: event_dict.pop(k) for k in ("ts", "level", "logger", "event") if k in event_dict}
    return {**lead, **event_dict}


_SHARED: list[Processor] = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_log_level,
    structlog.stdlib.add_logger_name,
    structlog.processors.TimeStamper(fmt="iso", utc=True, key="ts"),
]


def formatter(renderer: str = "json") -> structlog.stdlib.ProcessorFormatter:
    """The one formatter of every handler: ``json`` (default) or ``console`` (``make run``)."""
    tail: list[Processor]
    if renderer == "console":
        tail = [structlog.dev.ConsoleRenderer(timestamp_key="ts")]
    else:
        tail = [_json_shape, structlog.processors.JSONRenderer(ensure_ascii=False)]
    return structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=[*_SHARED, structlog.stdlib.ExtraAdder(), _drop_formatter_leftovers],
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            _request_fields,
            structlog.processors.format_exc_info,
            redact,
            *tail,
        ],
        pass_foreign_args=True,  # gunicorn's access atoms, read by _request_fields
    )


def configure(config: dict[str, Any]) -> None:
    """``LOGGING_CONFIG``: structlog's own loggers hand their events to the stdlib handlers."""
    structlog.configure(
        processors=[
            structlog.stdlib.filter_by_level,
            *_SHARED,
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    logging.config.dictConfig(config)


# A proxy's id is kept when it is a plain token; anything else gets a fresh one.
_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")


class RequestIdMiddleware:
    """Tags every log line of a request with its id (from ``X-Request-ID`` or a new one)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        rid = incoming if _REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
        request.META["jengu.request_id"] = rid  # for lines Django logs after we return
        tokens = structlog.contextvars.bind_contextvars(request_id=rid)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            access_log.info(
                "request",
                method=request.method,
                path=request.path,
                status=response.status_code,
                duration_ms=round((time.perf_counter() - started) * 1000, 1),
            )
        finally:
            structlog.contextvars.reset_contextvars(**tokens)
        response["X-Request-ID"] = rid
        return response


# --- django-q2 tasks ------------------------------------------------------------------------
def _task_started(sender: Any, task: dict | None = None, **kwargs: Any) -> None:
    task = task or {}
    name = task.get("func")  # the dotted path, or the callable itself
    structlog.contextvars.bind_contextvars(
        task_id=str(task.get("id") or ""),
        task_func=name if isinstance(name, str) else getattr(name, "__qualname__", ""),
    )


def _task_finished(sender: Any, **kwargs: Any) -> None:
    structlog.contextvars.unbind_contextvars("task_id", "task_func")


def connect_task_signals() -> None:
    """Tag every log line a django-q2 task writes with its task id and function."""
    from django_q.signals import post_execute_in_worker, pre_execute

    pre_execute.connect(_task_started, dispatch_uid="core.logging.task_started")
    post_execute_in_worker.connect(_task_finished, dispatch_uid="core.logging.task_finished")
