"""Tracking hits: record each one, tell scanners and prefetches from people, count them.

Opens are unreliable by nature: Apple Mail Privacy Protection fetches every image of every
message on delivery, and corporate gateways (Microsoft Safe Links, Mimecast, Proofpoint,
Barracuda...) fetch links and images to scan them. Such hits, and any hit within
``JENGU_TRACKING_SUSPECT_SECONDS`` of the send, are stored with ``suspect`` and a reason and
counted apart. Webmail image proxies (Gmail's GoogleImageProxy, Yahoo's) fetch when a person
opens the message, so they count as people.
"""

from __future__ import annotations

import ipaddress
import re
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from outreach.models import Campaign, OutboundEmail, TrackingEvent

OPENS_LABEL = "opens (unreliable: Apple Mail Privacy Protection and scanners)"

# (pattern on the User-Agent, who it is). Checked in order; the first match is the reason.
SCANNERS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(p, re.IGNORECASE), who)
    for p, who in [
        (r"barracuda", "Barracuda"),
        (r"mimecast", "Mimecast"),
        (r"proofpoint|ppops", "Proofpoint"),
        (r"safe ?links|Microsoft Office Existence Discovery|BingPreview", "Microsoft Safe Links"),
        (r"symantec|messagelabs|broadcom", "Symantec / Broadcom"),
        (r"forcepoint|websense", "Forcepoint"),
        (r"trend ?micro", "Trend Micro"),
        (r"sophos", "Sophos"),
        (r"fireeye|trellix", "Trellix / FireEye"),
        (r"ironport|cisco", "Cisco IronPort"),
        (r"zscaler", "Zscaler"),
        (r"check ?point|avanan", "Check Point / Avanan"),
        (r"fortinet|fortiguard|fortimail", "Fortinet"),
        (r"hornet ?security|spamtitan|vadesecure|cloudmark|abnormal", "mail security gateway"),
        (
            r"python-requests|python-urllib|aiohttp|go-http-client|curl/|wget|libwww|okhttp|"
            r"java/|apache-httpclient|node-fetch|axios|headlesschrome|phantomjs|scrapy",
            "HTTP library or headless browser",
        ),
        (r"bot\b|bot/|crawler|spider|slurp|preview|scanner", "bot or link preview"),
    ]
]
# Apple's own networks, where Mail Privacy Protection's prefetch comes from.
APPLE_NETWORKS = [
    ipaddress.ip_network(n) for n in ("17.0.0.0/8", "2620:149::/32", "2a01:b740::/32")
]


def _ip(value: str | None) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address((value or "").strip())
    except ValueError:
        return None


def suspect_reason(
    *, user_agent: str, ip: str | None, method: str, sent_at: datetime | None, now: datetime
) -> str:
    """Why a hit is not counted as a person's; "" for a person's."""
    for pattern, who in SCANNERS:
        if pattern.search(user_agent):
            return f"scanner: {who}"
    address = _ip(ip)
    if address is not None and any(address in net for net in APPLE_NETWORKS):
        return "Apple Mail Privacy Protection (Apple network)"
    if user_agent.strip() == "Mozilla/5.0":  # MPP's prefetch sends just this
        return "Apple Mail Privacy Protection (bare user agent)"
    if not user_agent.strip():
        return "no user agent"
    if method == "HEAD":
        return "HEAD request (a link check)"
    if sent_at is None:
        return "before the send was recorded"
    window = settings.JENGU.get("TRACKING_SUSPECT_SECONDS", 10)
    seconds = (now - sent_at).total_seconds()
    if seconds < window:
        return f"{max(0, int(seconds))} s after sending"
    return ""


def tracking_record(
    *,
    kind: str,
    email_id: int,
    user_agent: str,
    ip: str | None,
    method: str,
    now: datetime,
    url: str = "",
) -> TrackingEvent | None:
    """Store one hit; None when the email no longer exists (erased), nothing stored."""
    row = (
        OutboundEmail.objects.filter(pk=email_id)
        .values("sent_at", "enrollment__campaign_id")
        .first()
    )
    if row is None:
        return None
    user_agent, address = (user_agent or "")[:400], _ip(ip)
    reason = suspect_reason(
        user_agent=user_agent, ip=ip, method=method, sent_at=row["sent_at"], now=now
    )
    return TrackingEvent.objects.create(
        kind=kind,
        email_id=email_id,
        campaign_id=row["enrollment__campaign_id"],
        at=now,
        url=url,
        user_agent=user_agent,
        ip=str(address) if address else None,
        suspect=bool(reason),
        suspect_reason=reason[:80],
    )


def _counts(events: Any) -> dict[str, dict[str, int]]:
    """People's hits, suspect hits and emails with a person's hit, per kind: one query."""
    parts: dict[str, Any] = {}
    for kind in TrackingEvent.Kind.values:
        parts[f"{kind}_human"] = Count("pk", filter=Q(kind=kind, suspect=False))
        parts[f"{kind}_suspect"] = Count("pk", filter=Q(kind=kind, suspect=True))
        parts[f"{kind}_emails"] = Count("email", filter=Q(kind=kind, suspect=False), distinct=True)
    got = events.aggregate(**parts)
    return {
        f"{kind}s": {
            "human": got[f"{kind}_human"],
            "suspect": got[f"{kind}_suspect"],
            "emails": got[f"{kind}_emails"],
        }
        for kind in TrackingEvent.Kind.values
    }


def campaign_tracking(campaign: Campaign) -> dict[str, Any]:
    """A campaign's opens and clicks, people and suspects apart, with the emails they count."""
    from outreach.services.tracking_links import tracking_base

    sent = OutboundEmail.objects.filter(enrollment__campaign=campaign, sent_at__isnull=False)
    counts = sent.aggregate(sent=Count("pk"), sent_html=Count("pk", filter=~Q(body_html="")))
    return {
        "campaign": campaign.pk,
        "track_opens": campaign.track_opens,
        "track_clicks": campaign.track_clicks,
        "tracking_base_url": tracking_base(campaign),
        **counts,
        **_counts(TrackingEvent.objects.filter(campaign=campaign)),
        "opens_note": OPENS_LABEL,
    }


def email_tracking(email_id: int) -> dict[str, Any]:
    return _counts(TrackingEvent.objects.filter(email_id=email_id))


def with_tracking_counts(emails: QuerySet[OutboundEmail]) -> QuerySet[OutboundEmail]:
    """``opens`` and ``clicks`` (people's hits) on each row, in the same query: a subquery per
    row on the ``tracking_email`` index, evaluated only for the rows of the page."""

    def hits(kind: str) -> Coalesce:
        counted = (
            TrackingEvent.objects.filter(email=OuterRef("pk"), kind=kind, suspect=False)
            .order_by()
            .values("email")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))

    return emails.annotate(
        opens=hits(TrackingEvent.Kind.OPEN), clicks=hits(TrackingEvent.Kind.CLICK)
    )
