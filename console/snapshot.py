"""Short-lived snapshots of the answers whose cost grows with the tables, not with due work:
the default forecast (it reads the address of every ready prospect and plans each one) and
the funnel (it counts every prospect by stage). At a million prospects each takes seconds.

The ``Refresh snapshots`` schedule (``console.tasks.refresh_snapshots``, every minute)
recomputes them into the shared cache, so the dashboard and ``GET /api/status/forecast``
read a figure at most a minute or two old (the forecast carries its ``generated_at``). A miss
(first start, cache flushed) computes inline once. ``JENGU_SNAPSHOT_SECONDS`` is how long a
snapshot may serve; ``0`` turns them off (every request computes).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache

T = TypeVar("T")
PREFIX = "jengu:snapshot:"


def _compute() -> dict[str, Callable[[], Any]]:
    from console.dashboard.queries import funnel_counts
    from console.forecast import forecast

    return {"forecast": lambda: forecast(), "funnel": funnel_counts}


def snapshot(name: str) -> Any:
    """The snapshot ``name`` (``forecast`` or ``funnel``), computed and kept on a miss."""
    ttl = settings.JENGU["SNAPSHOT_SECONDS"]
    if ttl <= 0:
        return _compute()[name]()
    value = cache.get(PREFIX + name)
    if value is None:
        value = _store(name, ttl)
    return value


def _store(name: str, ttl: int) -> Any:
    value = _compute()[name]()
    cache.set(PREFIX + name, value, ttl)
    return value


def refresh_snapshots() -> str:
    """Recompute every snapshot now (the schedule's task)."""
    ttl = settings.JENGU["SNAPSHOT_SECONDS"]
    if ttl <= 0:
        return "snapshots off (JENGU_SNAPSHOT_SECONDS=0)"
    names = list(_compute())
    for name in names:
        _store(name, ttl)
    return f"refreshed {', '.join(names)}"
