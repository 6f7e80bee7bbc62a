"""GET /health: no auth; 200 while the database answers (status ok or degraded), else 503."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

log = logging.getLogger(__name__)


def queue_status() -> dict[str, Any]:
    from django_q.brokers import get_broker
    from django_q.models import Failure
    from django_q.status import Stat

    info: dict[str, Any] = {"broker": "redis" if settings.REDIS_URL else "orm"}
    try:
        info["depth"] = get_broker().queue_size()
        info["clusters"] = len(Stat.get_all())
        since = timezone.now() - timedelta(hours=24)
        info["failures_24h"] = Failure.objects.filter(stopped__gte=since).count()
        info["ok"] = True
    except Exception as exc:  # a broken broker degrades health, it does not hide it
        log.warning("queue status unavailable: %s", exc)
        info.update(ok=False, error=type(exc).__name__)
    return info


@never_cache
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:
        log.error("health: database unavailable: %s", exc)
        return JsonResponse({"status": "down", "database": "unavailable"}, status=503)
    from core.services import emergency_stop_active

    queue = queue_status()
    degraded = not queue.get("ok") or queue.get("clusters", 0) == 0
    return JsonResponse(
        {
            "status": "degraded" if degraded else "ok",
            "database": "ok",
            "queue": queue,
            "emergency_stop": emergency_stop_active(),
        }
    )
