"""/metrics: Bearer ``METRICS_TOKEN``, a staff user's API token or a staff session.

The counters every process keeps (``core.metrics``, django-prometheus) are added up across
processes; the pipeline gauges below are read from the database at scrape time, so they are
global already.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Count, Sum
from django.http import HttpRequest, HttpResponse
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from core.health import queue_status
from core.metrics import allowed, exposition
from core.models import DeadLetter
from inboxes.models import InboxDay
from outreach.models import OutboundEmail


class PipelineCollector(Collector):
    """The queue, the ledger and the inbox counters, as the database has them now."""

    def collect(self) -> Iterator[Metric]:
        queue = queue_status()
        yield GaugeMetricFamily(
            "jengu_queue_depth", "Tasks waiting in the queue", value=queue.get("depth", -1)
        )
        yield GaugeMetricFamily(
            "jengu_queue_failures_24h",
            "Tasks failed in the last 24 hours",
            value=queue.get("failures_24h", -1),
        )
        emails = GaugeMetricFamily("jengu_emails", "Outbound emails by status", labels=["status"])
        rows = OutboundEmail.objects.values("status").annotate(n=Count("id")).order_by("status")
        for row in rows:
            emails.add_metric([row["status"]], row["n"])
        yield emails
        agg = InboxDay.objects.aggregate(sent=Sum("sent"), bounced=Sum("bounced"))
        yield CounterMetricFamily("jengu_sends", "Emails sent, all inboxes", value=agg["sent"] or 0)
        yield CounterMetricFamily(
            "jengu_bounces", "Bounces, all inboxes", value=agg["bounced"] or 0
        )
        open_letters = DeadLetter.objects.filter(resolved_at=None).count()
        yield GaugeMetricFamily("jengu_dead_letters_open", "Unresolved dead letters", open_letters)


def metrics(request: HttpRequest) -> HttpResponse:
    if not allowed(request):
        return HttpResponse("authentication required\n", status=401, content_type="text/plain")
    return exposition(request, [PipelineCollector()])
