"""/metrics in Prometheus text format: staff session or ``Authorization: Bearer METRICS_TOKEN``.

HTTP counters are per process (``core.metrics``); the pipeline gauges are read from the database
and are global.
"""

from __future__ import annotations

from django.db.models import Count, Sum
from django.http import HttpRequest, HttpResponse

from core.health import queue_status
from core.metrics import allowed, http_lines
from core.models import DeadLetter
from inboxes.models import InboxDay
from outreach.models import OutboundEmail


def _lines() -> list[str]:
    out = http_lines()
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
    if not allowed(request):
        return HttpResponse("authentication required\n", status=401, content_type="text/plain")
    body = "\n".join(_lines()) + "\n"
    return HttpResponse(body, content_type="text/plain; version=0.0.4")
