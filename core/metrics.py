"""The HTTP counters behind /metrics and who may read them (the view is ``console.metrics``).

HTTP counters are per process (each gunicorn worker reports its own since start; sum them in
Prometheus).
"""

from __future__ import annotations

import hmac
import threading
import time
from collections import Counter
from collections.abc import Callable

from django.conf import settings
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


def allowed(request: HttpRequest) -> bool:
    token = settings.JENGU.get("METRICS_TOKEN", "")
    header = request.headers.get("Authorization", "")
    if token and hmac.compare_digest(header, f"Bearer {token}"):
        return True
    return bool(request.user.is_authenticated and request.user.is_staff)


def http_lines() -> list[str]:
    out = ["# TYPE jengu_http_requests_total counter"]
    with _lock:
        for (method, code), n in sorted(_requests.items()):
            out.append(f'jengu_http_requests_total{{method="{method}",status="{code}"}} {n}')
        out.append("# TYPE jengu_http_request_seconds_sum counter")
        for method, total in sorted(_latency_sum.items()):
            out.append(f'jengu_http_request_seconds_sum{{method="{method}"}} {total:.6f}')
    return out
