"""django-q2 entry points for cross-cutting work."""

from __future__ import annotations

import logging

import httpx

from core import alerts
from core.models import Alert, DeadLetter
from core.services import deadletter_create
from core.tasking import retry_later

log = logging.getLogger(__name__)


def deliver_alert(alert_id: int) -> str:
    alert = Alert.objects.filter(pk=alert_id).first()
    if alert is None:
        return "gone"
    try:
        return "delivered" if alerts.deliver(alert) else alert.delivery
    except httpx.HTTPError as exc:
        alert.refresh_from_db()
        if alert.attempts >= alerts.MAX_ATTEMPTS:
            Alert.objects.filter(pk=alert.pk).update(delivery=Alert.Delivery.FAILED)
            if alert.kind != Alert.Kind.DEAD_LETTER:  # never loop alert -> letter -> alert
                deadletter_create(
                    kind=DeadLetter.Kind.ALERT,
                    error=str(exc),
                    task_name="core.tasks.deliver_alert",
                    payload={"args": [alert.pk]},
                    attempts=alert.attempts,
                    obj=alert,
                )
            return "failed"
        retry_later("core.tasks.deliver_alert", alert.pk, delay_seconds=30 * 2**alert.attempts)
        return f"retrying ({exc})"
