"""Concurrent imports and crawl slots on PostgreSQL: the database decides, nothing doubles."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from prospects.models import Contact, Prospect
from prospects.services.crawl import reserve_slot
from prospects.services.imports import ImportSummary, import_file

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def in_threads(count: int, work: Callable[[int], Any]) -> list[Any]:
    results: list[Any] = [None] * count
    start = threading.Barrier(count)

    def run(index: int) -> None:
        try:
            start.wait()
            results[index] = work(index)
        except BaseException as exc:
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_the_same_file_imported_four_times_at_once_lands_once() -> None:
    rows = "".join(
        f"Hotel {n},City {n % 7},https://hotel{n}.example,ana{n}@hotel{n}.example\n"
        for n in range(300)
    )
    body = "name,city,website,email\n" + rows
    results = in_threads(4, lambda _i: import_file(body, "same.csv", chunk_size=50))
    assert all(isinstance(r, ImportSummary) for r in results), results
    assert sum(r.created for r in results) == 300
    assert all(r.errors == [] for r in results)
    assert sum(r.created + r.updated + r.duplicates for r in results) == 1200
    assert Prospect.objects.count() == 300 and Contact.objects.count() == 300


def test_two_workers_never_share_a_host_slot() -> None:
    waits = in_threads(6, lambda _i: reserve_slot("race-hotel.test", 1.0, max_wait=60))
    assert sorted(round(w) for w in waits) == [0, 1, 2, 3, 4, 5]
