"""Alert delivery to ALERT_WEBHOOK_URL: Slack, Discord, or signed generic JSON.

Each POST carries ``X-Jengu-Timestamp`` and ``X-Jengu-Signature: sha256=<hex HMAC-SHA256 of
timestamp + "." + body>`` keyed with ALERT_WEBHOOK_SECRET. Deduplication and rate limiting live
in the database (Alert rows), so they hold across workers and restarts.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from datetime import timedelta
from typing import Any

import httpx
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core.models import Alert

log = logging.getLogger(__name__)
MAX_PER_KIND_PER_HOUR = 30
MAX_ATTEMPTS = 5


def webhook_url() -> str:
    return settings.JENGU.get("ALERT_WEBHOOK_URL", "")


def schedule_delivery(alert: Alert) -> None:
    if not webhook_url():
        Alert.objects.filter(pk=alert.pk).update(delivery=Alert.Delivery.SKIPPED)
        return
    from django_q.tasks import async_task

    transaction.on_commit(lambda: async_task("core.tasks.deliver_alert", alert.pk))


def payload_for(alert: Alert, url: str) -> dict[str, Any]:
    text = f"*{alert.title}*\n{alert.body}".strip()
    if "hooks.slack.com" in url:
        return {"text": text}
    if "discord.com/api/webhooks" in url or "discordapp.com/api/webhooks" in url:
        return {"content": text[:2000]}
    return {
        "id": alert.pk,
        "kind": alert.kind,
        "title": alert.title,
        "body": alert.body,
        "data": alert.data,
        "created_at": alert.created_at.isoformat(),
    }


def sign(secret: str, timestamp: str, body: bytes) -> str:
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def _over_rate(alert: Alert) -> bool:
    since = timezone.now() - timedelta(hours=1)
    sent = Alert.objects.filter(kind=alert.kind, delivered_at__gte=since).count()
    return sent >= MAX_PER_KIND_PER_HOUR


def deliver(alert: Alert, *, client: httpx.Client | None = None) -> bool:
    """POST one alert. Returns True when delivered; raises on a failure worth retrying."""
    url = webhook_url()
    if not url or alert.delivery in (Alert.Delivery.DELIVERED, Alert.Delivery.SUPPRESSED):
        return alert.delivery == Alert.Delivery.DELIVERED
    if _over_rate(alert):
        Alert.objects.filter(pk=alert.pk).update(delivery=Alert.Delivery.SUPPRESSED)
        return False
    body = json.dumps(payload_for(alert, url)).encode()
    ts = str(int(time.time()))
    headers = {
        "Content-Type": "application/json",
        "X-Jengu-Timestamp": ts,
        "User-Agent": "Jengu-Alerts/1",
    }
    secret = settings.JENGU.get("ALERT_WEBHOOK_SECRET", "")
    if secret:
        headers["X-Jengu-Signature"] = sign(secret, ts, body)
    Alert.objects.filter(pk=alert.pk).update(attempts=alert.attempts + 1)
    http = client or httpx.Client(timeout=10, follow_redirects=False)
    try:
        response = http.post(url, content=body, headers=headers)
        response.raise_for_status()
    except httpx.HTTPError as exc:
        Alert.objects.filter(pk=alert.pk).update(last_error=str(exc)[:1000])
        raise
    finally:
        if client is None:
            http.close()
    Alert.objects.filter(pk=alert.pk).update(
        delivery=Alert.Delivery.DELIVERED, delivered_at=timezone.now(), last_error=""
    )
    return True
