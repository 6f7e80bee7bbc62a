"""Schemathesis against /api/schema/: at least 500 generated requests, valid and invalid, with a
staff token, and not one answer may be a 5xx."""

from __future__ import annotations

import math
import os
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.generation.modes import GenerationMode

from core.models import DeadLetter
from tests.factories import ContactFactory, InboxFactory

MIN_REQUESTS = 500
pytestmark = [pytest.mark.django_db, pytest.mark.slow]


@pytest.fixture
def seeded(settings: Any) -> None:
    """Something behind the ids, so the generated requests reach past the 404s."""
    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                    "LOCATION": f"fuzz-{os.getpid()}"},
    }  # fmt: skip  # its own throttle counters: 500 requests must not trip the shared cache
    InboxFactory(key="smtp-1")
    for _ in range(3):
        ContactFactory()
    DeadLetter.objects.create(kind="task", task_name="console.tasks.weekly_maintenance")
    DeadLetter.objects.create(kind="send", error="550 5.1.1")


@pytest.fixture
def wsgi_app() -> Iterator[Any]:
    """The real WSGI app, minus what Django's own test client also turns off: closing the
    database connection at the end of each request, which would end the test's transaction."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def test_no_generated_request_gets_a_server_error(staff_user, seeded, wsgi_app) -> None:
    token = Token.objects.create(user=staff_user).key
    headers = {"Authorization": f"Token {token}"}
    schema = schemathesis.openapi.from_wsgi("/api/schema/", wsgi_app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10
    per_operation = math.ceil(MIN_REQUESTS / len(operations)) + 5
    sent: Counter[str] = Counter()
    statuses: Counter[int] = Counter()

    for operation in operations:
        cases = st.one_of(
            operation.as_strategy(generation_mode=GenerationMode.POSITIVE),
            operation.as_strategy(generation_mode=GenerationMode.NEGATIVE),
        )

        @settings(max_examples=per_operation, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))  # fmt: skip
        @given(case=cases)
        def fuzz(case: Any) -> None:
            response = case.call(headers=headers)
            sent[case.operation.label] += 1
            statuses[response.status_code] += 1
            case.validate_response(response, checks=[not_a_server_error], headers=headers)

        fuzz()

    assert sum(sent.values()) >= MIN_REQUESTS, sent
    assert len(sent) == len(operations) and min(sent.values()) >= 5, sent  # every operation
    assert not [code for code in statuses if code >= 500], statuses
    assert statuses[200] + statuses[201] + statuses[202] > 50  # not all rejected at the door
