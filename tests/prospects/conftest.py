"""Fixtures of the prospects tests."""

from __future__ import annotations

from typing import Any

import pytest
from django_q.conf import Conf


@pytest.fixture
def run_tasks(monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any) -> Any:
    """Use as ``with run_tasks(execute=True): ...``: tasks enqueued inside run in-process, as a
    worker would run them, once the enqueuing commits (and the tasks they enqueue, in turn)."""
    monkeypatch.setattr(Conf, "SYNC", True)
    return django_capture_on_commit_callbacks
