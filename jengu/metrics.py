"""/metrics in Prometheus text format: staff session or ``Authorization: Bearer METRICS_TOKEN``.

HTTP counters are per process (each gunicorn worker reports its own since start; sum them in
Prometheus); the pipeline gauges are read from the database and are global.
"""

from __future__ import annotations

import hmac
import threading
import time
from collections import Counter
from collections.abc import Callable

from django.conf import settings
from django.db.models import Count, Sum
from django.http import HttpRequest, HttpResponse

_lock = threading.Lock()
_requests: Counter[tuple[str, str]] = Counter()
_latency_sum: dict[str, float] = {}


class MetricsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        start = time.perf_counter()
        response = self.get_response(request)
        elapsed = time.perf_counter() - start
        with _lock:
            _requests[(request.method or "GET", str(response.status_code))] += 1
            method = request.method or "GET"
            _latency_sum[method] = _latency_sum.get(method, 0.0) + elapsed
        return response


def _allowed(request: HttpRequest) -> bool:
    token = settings.JENGU.get("METRICS_TOKEN", "")
    header = request.headers.get("Authorization", "")
    if token and hmac.compare_digest(header, f"Bearer {token}"):
        return True
    return bool(request.user.is_authenticated and request.user.is_staff)


def _lines() -> list[str]:
    from inboxes.models import InboxDay
    from jengu.health import queue_status
    from jengu.models import DeadLetter
    from outreach.models import OutboundEmail

    out = ["# TYPE jengu_http_requests_total counter"]
    with _lock:
        for (method, code), n in sorted(_requests.items()):
            out.append(f'jengu_http_requests_total{{method="{method}",status="{code}"}} {n}')
        out.append("# TYPE jengu_http_request_seconds_sum counter")
        for method, total in sorted(_latency_sum.items()):
            out.append(f'jengu_http_request_seconds_sum{{method="{method}"}} {total:.6f}')
    queue = queue_status()
    out += [
        "# TYPE jengu_queue_depth gauge",
        f"jengu_queue_depth {queue.get('depth', -1)}",
        "# TYPE jengu_queue_failures_24h gauge",
        f"jengu_queue_failures_24h {queue.get('failures_24h', -1)}",
        "# TYPE jengu_emails gauge",
    ]
    for row in OutboundEmail.objects.values("status").annotate(n=Count("id")).order_by("status"):
        out.append(f'jengu_emails{{status="{row["status"]}"}} {row["n"]}')
    agg = InboxDay.objects.aggregate(sent=Sum("sent"), bounced=Sum("bounced"))
    out += [
        "# TYPE jengu_sends_total counter",
        f"jengu_sends_total {agg['sent'] or 0}",
        "# TYPE jengu_bounces_total counter",
        f"jengu_bounces_total {agg['bounced'] or 0}",
        "# TYPE jengu_dead_letters_open gauge",
        f"jengu_dead_letters_open {DeadLetter.objects.filter(resolved_at=None).count()}",
    ]
    return out


def metrics(request: HttpRequest) -> HttpResponse:
    if not _allowed(request):
        return HttpResponse("authentication required\n", status=401, content_type="text/plain")
    body = "\n".join(_lines()) + "\n"
    return HttpResponse(body, content_type="text/plain; version=0.0.4")
