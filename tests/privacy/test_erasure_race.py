"""Two admins erase the same prospect at the same time (PostgreSQL, two connections): one
erasure does it, the other finds nothing left (NotFound, a 404), and one hashed entry stays."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import close_old_connections, connection

from compliance.models import Suppression
from core.errors import NotFound
from core.models import AuditLog
from privacy.services import erase_prospect
from prospects.models import Prospect
from tests.factories import ContactFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_concurrent_erasures_one_wins() -> None:
    prospect_id = ContactFactory(email="twice@race-erased.example").prospect_id
    barrier = threading.Barrier(2)
    outcomes: list[Any] = []

    def erase() -> None:
        try:
            barrier.wait(timeout=30)
            outcomes.append(erase_prospect(prospect_id, actor="dpo")["prospect"])
        except NotFound as exc:
            outcomes.append(exc.code)
        except BaseException as exc:  # reported below, in the test's thread
            outcomes.append(exc)
        finally:
            connection.close()
            close_old_connections()

    threads = [threading.Thread(target=erase) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)

    assert sorted(map(str, outcomes)) == ["1", "prospect_not_found"]
    assert not Prospect.objects.filter(pk=prospect_id).exists()
    assert Suppression.objects.filter(email_hash__gt="").count() == 1
    assert AuditLog.objects.filter(action="prospect_erased").count() == 1
