"""The daily enrolment: ready prospects (as prospects reports them) into the default campaign.

Registered from ``OutreachConfig.ready()`` as a step of the daily prospect pipeline
(``prospects.hooks.after_daily_run``): it runs once every task of a daily run is back, in
whichever worker brought the last one, and its counts land on the run under ``enrolment``.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q

from outreach.models import Campaign, Enrollment
from outreach.services.prepare import enroll
from prospects.services.score import ready_contact, ready_prospects


def default_campaign() -> Campaign | None:
    active = Campaign.objects.filter(is_default=True, status=Campaign.Status.ACTIVE)
    return active.order_by("pk").first()


def enroll_ready(now: datetime) -> dict[str, int]:
    """Enroll every ready prospect that is in no running sequence, with its best contact."""
    campaign = default_campaign()
    ready = ready_prospects()
    if campaign is None:
        return {"enrolled": 0, "no_default_campaign": ready.count()}
    running = Enrollment.objects.filter(
        Q(campaign=campaign) | Q(status__in=[Enrollment.Status.ACTIVE, Enrollment.Status.PAUSED])
    )
    counts = {"enrolled": 0, "no_sendable_contact": 0}
    for prospect in ready.exclude(pk__in=running.values("prospect_id")).order_by("-score", "pk"):
        contact = ready_contact(prospect)  # None moves the prospect back to enriched
        if contact is None:
            counts["no_sendable_contact"] += 1
            continue
        _enrollment, created = enroll(contact=contact, campaign=campaign, now=now)
        counts["enrolled"] += int(created)
    return counts
