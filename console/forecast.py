"""When will N ready prospects be contacted? A day-by-day simulation of the inboxes' capacity.

For each active inbox and each of its future local days, the capacity is the warmup limit of
that day (the schedule's number for the week, the week advancing; an inbox that never sent
starts week 1 on its first send day), and nothing on days outside JENGU_SEND_DAYS. Today counts
only what is left (limit minus reserved and sent), and only while today's send window
(JENGU_SEND_HOURS, read in the inbox's zone) is still open. N first emails are then spread over
that capacity, day by day, round-robin across the inboxes as a send pass does.
"""

from __future__ import annotations

import copy
from collections import defaultdict
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Exists, OuterRef, Value
from django.db.models.functions import Lower, StrIndex, Substr
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from compliance.models import Suppression
from console.closed_days import closed_days
from console.forecast_caps import CapPlan
from core.api.filters import int_param
from core.api.permissions import ViewerReadsOperatorWrites
from core.services import emergency_stop_active
from inboxes.models import Inbox, InboxDay
from inboxes.services import local_date, warmup_limit
from inboxes.services.warmup import schedule_for
from outreach.models import OutboundEmail
from outreach.services.policy import DAYS, parse_days, parse_hours
from prospects.models import Contact, Prospect

MAX_DAYS = 366  # a forecast that needs more than a year says so instead of looping on
MAX_N = 1_000_000


# --- what is to be sent ---------------------------------------------------------------------
def sendable_statuses() -> list[str]:
    """The verification statuses the send policy allows (prospects.services.sendable_verification)."""
    statuses: list[str] = [Contact.Verification.VALID]
    if settings.JENGU["SEND_CATCH_ALL"]:
        statuses.append(Contact.Verification.CATCH_ALL)
    if settings.JENGU["SEND_UNVERIFIED"]:
        statuses.append(Contact.Verification.UNKNOWN)
    return statuses


def first_contacts(limit: int | None = None) -> Iterator[tuple[int, str, str]]:
    """(prospect id, address, provider) of each ready prospect's first sendable contact, in
    prospect order, streamed: at a million prospects nothing holds them all at once.
    Suppressed addresses and domains are left out by the database (anti-joins), not by an IN
    over every address: that list was a hundred thousand items at a million rows."""
    address = Lower("email")
    suppressed_address = Suppression.objects.annotate(address=Lower("email")).filter(
        address=OuterRef("address")
    )
    suppressed_domain = Suppression.objects.exclude(domain="").filter(
        domain__iexact=OuterRef("at_domain")
    )
    rows = (
        Contact.objects.filter(
            prospect__in=Prospect.objects.ready(), verification__in=sendable_statuses()
        )
        .exclude(email="")
        .annotate(address=address, at_domain=Substr(address, StrIndex(address, Value("@")) + 1))
        .exclude(Exists(suppressed_address))
        .exclude(Exists(suppressed_domain))
        .order_by("prospect_id", "-is_primary", "id")
        .values_list("prospect_id", "address", "mx_provider")
    )
    last, seen = None, 0
    for prospect_id, email, provider in rows.iterator(chunk_size=5000):
        if prospect_id == last:
            continue  # a later contact of the same prospect (the rows come by prospect)
        if limit is not None and seen >= limit:
            return
        last, seen = prospect_id, seen + 1
        yield prospect_id, email, provider


# --- capacity -------------------------------------------------------------------------------
def _window_open_today(inbox: Inbox, now: datetime) -> bool:
    _start, end = parse_hours(settings.JENGU["SEND_HOURS"])
    return now.astimezone(ZoneInfo(inbox.timezone or "UTC")).hour < end


def _used_today(inbox: Inbox, today: date) -> int:
    row = InboxDay.objects.filter(inbox=inbox, date=today).first()
    return (row.reserved + row.sent) if row else 0


def _open_today(inbox: Inbox, now: datetime) -> bool:
    today = local_date(inbox, now)
    return today.weekday() in parse_days(settings.JENGU["SEND_DAYS"]) and _window_open_today(
        inbox, now
    )


def with_imagined_start(
    inbox: Inbox, now: datetime, closed: dict[date, str] | None = None
) -> Inbox:
    """A copy (never saved) whose warmup starts on its first send day when it has not sent yet,
    so that its weeks advance in a simulation."""
    closed = closed or {}
    sim = copy.copy(inbox)
    if sim.warmup_start is None:
        today = local_date(inbox, now)
        send_days = parse_days(settings.JENGU["SEND_DAYS"])
        first = 0 if _open_today(inbox, now) else 1
        usable = [
            today + timedelta(days=offset)
            for offset in range(first, first + 8)
            if (today + timedelta(days=offset)).weekday() in send_days
            and (today + timedelta(days=offset)) not in closed
        ]
        sim.warmup_start = usable[0] if usable else today
    return sim


def inbox_capacity(
    inbox: Inbox, now: datetime, days: int, closed: dict[date, str] | None = None
) -> list[tuple[date, int]]:
    """(inbox-local date, slots) for ``days`` days from the inbox's today; a closed day
    (blackout, holiday: console.closed_days) has none."""
    closed = closed or {}
    today = local_date(inbox, now)
    send_days = parse_days(settings.JENGU["SEND_DAYS"])
    open_today = _open_today(inbox, now)
    dates = [today + timedelta(days=offset) for offset in range(days)]
    sim = with_imagined_start(inbox, now, closed)
    plan: list[tuple[date, int]] = []
    for day in dates:
        open_day = day.weekday() in send_days and day not in closed
        slots = warmup_limit(sim, day) if open_day else 0
        if day == today:
            slots = max(0, slots - _used_today(inbox, today)) if open_today else 0
        plan.append((day, slots))
    return plan


def capacity_by_day(
    inboxes: list[Inbox], now: datetime, days: int, closed: dict[date, str] | None = None
) -> dict[date, dict[str, int]]:
    by_day: dict[date, dict[str, int]] = defaultdict(dict)
    for inbox in inboxes:
        for day, slots in inbox_capacity(inbox, now, days, closed):
            by_day[day][inbox.key] = slots
    return dict(sorted(by_day.items()))


# --- spreading N over it --------------------------------------------------------------------
def _spread(left: int, slots: dict[str, int]) -> dict[str, int]:
    """Round-robin, one email per inbox per turn, as a send pass rotates its inboxes."""
    planned = dict.fromkeys(slots, 0)
    room = {key: n for key, n in slots.items() if n > 0}
    while left > 0 and room:
        for key in list(room):
            if left == 0:
                break
            planned[key] += 1
            left -= 1
            room[key] -= 1
            if room[key] == 0:
                del room[key]
    return planned


def plan_days(
    n: int,
    capacity: dict[date, dict[str, int]],
    closed: dict[date, str] | None = None,
    caps: CapPlan | None = None,
) -> list[dict[str, Any]]:
    days: list[dict[str, Any]] = []
    left, closed = n, closed or {}
    for day, slots in capacity.items():
        if left <= 0:
            break
        room = min(left, sum(slots.values()))
        # The domain/provider caps push what they hold back to the next days.
        planned = _spread(caps.take(day, room) if caps else left, slots)
        total = sum(planned.values())
        left -= total
        days.append(
            {
                "date": day.isoformat(),
                "weekday": DAYS[day.weekday()],
                "capacity": sum(slots.values()),
                "planned": total,
                "held_by_caps": room - total,
                "inboxes": {key: count for key, count in planned.items() if count},
            }
        )
        if day in closed:
            days[-1]["closed"] = closed[day]  # why the day sends nothing
    return days


def _assumptions(active: list[Inbox], paused: list[Inbox]) -> dict[str, Any]:
    cfg = settings.JENGU
    queued = OutboundEmail.objects.filter(status=OutboundEmail.Status.QUEUED).count()
    awaiting = OutboundEmail.objects.filter(status=OutboundEmail.Status.AWAITING_APPROVAL).count()
    return {
        "send_days": cfg["SEND_DAYS"],
        "send_hours": cfg["SEND_HOURS"],
        "warmup_schedule": {i.key: schedule_for(i) for i in active},
        "active_inboxes": [i.key for i in active],
        "paused_inboxes": [i.key for i in paused],
        "queued_emails": queued,
        "awaiting_approval": awaiting,  # not due until an operator approves them
        "emergency_stop": emergency_stop_active(),
        "notes": [
            "Days are each inbox's local days; today counts only the slots left, and only "
            "while the send window is open in the inbox's zone.",
            "Warmup weeks advance with the calendar; an inbox that never sent starts week 1 "
            "on its first send day. Each inbox's current health (bounce rate, circuit) holds.",
            "Only first emails are counted: follow-ups and the emails already queued "
            f"({queued} now) use the same slots and would push the date later.",
            f"Drafts awaiting approval ({awaiting} now) are not counted as due: each one "
            "takes a slot only once an operator approves it.",
            "Paused inboxes send nothing until an operator resumes them.",
            "Blackout days (JENGU_BLACKOUT_DATES, the default campaign's) send nothing, nor "
            "does a public holiday in every country of the ready prospects (JENGU_SKIP_HOLIDAYS)"
            "; such a day carries a 'closed' reason.",
            "Per-domain and per-provider daily caps hold back what is over them to the next "
            "days (held_by_caps), read for the ready prospects' addresses; an N beyond them "
            "counts as distinct domains. The caps' UTC days are taken as the inboxes' days.",
        ],
    }


def forecast(*, n: int | None = None, now: datetime | None = None) -> dict[str, Any]:
    """The plan for N first emails (default: the ready prospects with a sendable contact)."""
    now = now or timezone.now()
    default = n is None
    # The recipients are counted into the cap plan as they stream by (CapPlan keeps a count
    # per host, not a row per prospect).
    caps = CapPlan(
        ((email, provider) for _, email, provider in first_contacts(n)), extra=0, now=now
    )
    n = caps.seen if n is None else max(0, n)
    caps.extra = max(0, n - caps.seen)
    inboxes = list(Inbox.objects.exclude(status=Inbox.Status.DISABLED).order_by("key"))
    active = [i for i in inboxes if i.status == Inbox.Status.ACTIVE]
    # Inbox-local days start at most a day before UTC's: cover them all.
    closed = closed_days(now.date() - timedelta(days=1), MAX_DAYS + 2) if n else {}
    capacity = capacity_by_day(active, now, MAX_DAYS, closed)
    days = plan_days(n, capacity, closed, caps) if n else []
    planned = sum(day["planned"] for day in days)
    last = next((day["date"] for day in reversed(days) if day["planned"]), None)
    return {
        "n": n,
        "n_is_default": default,
        "generated_at": now.isoformat(timespec="seconds"),
        "last_contact_date": last if planned == n else None,
        "days_needed": len(days) if planned == n else None,
        "planned": planned,
        "not_scheduled": n - planned,
        "days": days,
        "assumptions": _assumptions(active, [i for i in inboxes if i not in active]),
    }


# --- GET /api/status/forecast ---------------------------------------------------------------


class ForecastStatus(APIView):
    """When the N ready prospects will be contacted, from warmup, send days and capacity."""

    permission_classes = [ViewerReadsOperatorWrites]

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "n",
                {"type": "integer", "minimum": 0, "maximum": MAX_N},
                description="How many prospects; default the ready ones with a sendable contact.",
            )
        ],
        responses={200: dict},
    )
    def get(self, request: Request) -> Response:
        from console.snapshot import snapshot

        n = int_param(request, "n", minimum=0, maximum=MAX_N)
        return Response(snapshot("forecast") if n is None else forecast(n=n))
