"""Structured logs: one JSON object per line, with the request id or the django-q2 task id."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest
from django_q.tasks import async_task

from core.logging import formatter

pytestmark = pytest.mark.django_db


@pytest.fixture
def log_lines() -> Iterator[io.StringIO]:
    """What the stdout handler of the settings would print, captured (root at DEBUG)."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter())
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)


def _events(stream: io.StringIO) -> list[dict]:
    lines = stream.getvalue().splitlines()
    return [json.loads(line) for line in lines]  # every line is one whole JSON object


def test_a_request_logs_one_line_with_its_id(anon_client, log_lines) -> None:
    response = anon_client.get("/health", HTTP_X_REQUEST_ID="edge-7f3a")
    assert response["X-Request-ID"] == "edge-7f3a"
    [line] = [e for e in _events(log_lines) if e["event"] == "request"]
    assert line["request_id"] == "edge-7f3a"
    assert (line["method"], line["path"], line["status"]) == ("GET", "/health", 200)
    assert line["logger"] == "jengu.request" and line["duration_ms"] >= 0


def test_lines_written_inside_a_view_carry_the_request_id(api, log_lines) -> None:
    response = api.post("/api/admin/emergency-stop", {"active": True}, format="json")
    assert response.status_code == 200
    rid = response["X-Request-ID"]
    stop = [e for e in _events(log_lines) if "emergency stop" in e["event"]]
    assert stop and all(e["request_id"] == rid for e in stop)


def test_an_untrusted_request_id_is_replaced(anon_client) -> None:
    response = anon_client.get("/health", HTTP_X_REQUEST_ID='bad id "quoted"')
    assert response["X-Request-ID"] != 'bad id "quoted"' and len(response["X-Request-ID"]) == 32


def test_an_unsubscribe_token_is_not_logged(anon_client, log_lines) -> None:
    anon_client.get("/u/AbCdEfGhIjKlMnOpQrStUvWx")
    assert "AbCdEfGhIjKlMnOpQrStUvWx" not in log_lines.getvalue()
    assert any(e.get("path") == "/u/***" for e in _events(log_lines))


def test_a_traceback_stays_on_one_line(log_lines) -> None:
    try:
        raise ValueError("first\nsecond")
    except ValueError:
        logging.getLogger("jengu.test").exception("it broke")
    [event] = _events(log_lines)
    assert event["event"] == "it broke" and "ValueError: first\nsecond" in event["exc"]


def _work() -> str:
    logging.getLogger("jengu.test").warning("inside the task")
    return "done"


def test_a_task_logs_with_its_task_id(log_lines) -> None:
    task_id = async_task("tests.ops.test_logging._work", sync=True)
    logging.getLogger("jengu.test").warning("after the task")

    events = _events(log_lines)
    [inside] = [e for e in events if e["event"] == "inside the task"]
    assert inside["task_id"] == task_id
    assert inside["task_func"] == "tests.ops.test_logging._work"
    [after] = [e for e in events if e["event"] == "after the task"]
    assert "task_id" not in after  # the worker forgets the id when the task ends


def test_the_weekly_task_is_tagged_too(log_lines) -> None:
    task_id = async_task("console.tasks.weekly_maintenance", sync=True)
    [done] = [e for e in _events(log_lines) if e["event"] == "weekly maintenance done"]
    assert done["task_id"] == task_id and done["task_func"] == "console.tasks.weekly_maintenance"


def test_djangos_own_404_warning_carries_the_request_id(anon_client, log_lines) -> None:
    """Django logs it after the middleware has returned: the id comes from the request."""
    response = anon_client.get("/no-such-page", HTTP_X_REQUEST_ID="edge-404")
    assert response.status_code == 404
    [warning] = [e for e in _events(log_lines) if e["logger"] == "django.request"]
    assert warning["event"] == "Not Found: /no-such-page" and warning["request_id"] == "edge-404"


def test_the_console_renderer_for_make_run_masks_secrets_too(settings) -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter("console"))
    logger = logging.getLogger("jengu.test.console")
    logger.addHandler(handler)
    try:
        logger.warning("connecting with %s", settings.SECRET_KEY, extra={"inbox": "smtp-1"})
    finally:
        logger.removeHandler(handler)
    line = stream.getvalue()
    assert "connecting with ***" in line and "inbox" in line and "smtp-1" in line
    assert settings.SECRET_KEY not in line and not line.startswith("{")
