"""Daily caps per registrable recipient domain and per mailbox provider, all inboxes together.

Rules (README "Per-domain and per-provider caps"):
  - the day is the UTC day; the domain is the recipient's registrable domain under the Public
    Suffix List (``reservas.grupo.es`` and ``grupo.es`` are one), the provider is the one
    verification stored on the contact (``Contact.mx_provider``, never a DNS lookup here);
  - domain cap: the campaign's ``domain_daily_cap``, else ``JENGU_DOMAIN_DAILY_CAP`` (default 2);
    provider cap: ``DEFAULT_PROVIDER_CAPS`` merged with ``JENGU_PROVIDER_DAILY_CAPS``;
    0 (or ``off`` for a provider) = no cap; a reserved test domain has no provider cap;
  - same ledger rules as the warmup slot: reserved in the claim's transaction (rows locked with
    ``select_for_update``), released when the send is retried later, counted when it went out.
    A capped email waits in the queue for the next UTC day; it never fails.

Lock order, to keep concurrent passes free of deadlocks: a claim locks the email, then its
DomainDay rows (domain before provider), then the inbox's InboxDay; a settle locks the email,
then updates DomainDay before InboxDay.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q, Value

from outreach.models import DomainDay, OutboundEmail
from prospects.mxproviders import PROVIDER_MX, is_reserved_test_domain
from prospects.normalize import registrable_domain

DOMAIN, PROVIDER = DomainDay.Kind.DOMAIN, DomainDay.Kind.PROVIDER

# A day's first emails to one provider, from all inboxes. Google and Microsoft host most hotel
# mailboxes and judge a sender on volume across all their customers: 40 is about two warmed-up
# inboxes' day, so a 200-hotel list on Workspace takes a week rather than an afternoon. The
# smaller providers and the hosting companies see far less mail from any one sender, so a burst
# stands out sooner: 20, and 30 for the hosters that carry many small European hotels.
DEFAULT_PROVIDER_CAPS: dict[str, int] = {
    "google": 40,
    "microsoft": 40,
    "mimecast": 40,
    "proofpoint": 40,
    "ovh": 30,
    "ionos": 30,
    "yahoo": 20,
    "zoho": 20,
    "gmx": 20,
    "icloud": 20,
    "proton": 20,
    "fastmail": 20,
    "yandex": 20,
}


def parse_provider_caps(text: str) -> dict[str, int]:
    """``google=40,microsoft=off`` -> {"google": 40, "microsoft": 0}; 0/off = no cap."""
    caps: dict[str, int] = {}
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        name, _, value = (s.strip().lower() for s in part.partition("="))
        if name not in PROVIDER_MX:
            known = ", ".join(sorted(PROVIDER_MX))
            raise ValueError(f"JENGU_PROVIDER_DAILY_CAPS: unknown provider {name!r} ({known})")
        if value in ("off", "none", "0"):
            caps[name] = 0
        elif value.isdigit():
            caps[name] = int(value)
        else:
            raise ValueError(f"JENGU_PROVIDER_DAILY_CAPS: {part!r} must be name=N or name=off")
    return caps


def provider_caps() -> dict[str, int]:
    """The cap of each provider that has one (defaults, then the environment's overrides)."""
    merged = DEFAULT_PROVIDER_CAPS | parse_provider_caps(
        settings.JENGU.get("PROVIDER_DAILY_CAPS", "")
    )
    return {name: cap for name, cap in merged.items() if cap > 0}


def domain_cap(campaign_cap: int | None) -> int:
    """The campaign's own cap, else the global one; 0 = no cap."""
    if campaign_cap is not None:
        return campaign_cap
    return int(settings.JENGU.get("DOMAIN_DAILY_CAP", 2))


def utc_day(now: datetime) -> date:
    return now.astimezone(UTC).date()


def next_utc_day(now: datetime) -> datetime:
    day = utc_day(now) + timedelta(days=1)
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def recipient_domain(recipient: str) -> str:
    domain = recipient.rpartition("@")[2].strip().lower()
    return registrable_domain(domain) or domain


@dataclass(frozen=True)
class Hold:
    """The counters one claim holds: its UTC day, domain and provider ("" = none counted)."""

    day: date
    domain: str
    provider: str

    def counters(self) -> list[tuple[str, str]]:
        keys = [(str(DOMAIN), self.domain)]
        return [*keys, (str(PROVIDER), self.provider)] if self.provider else keys


def hold_for(email: OutboundEmail, now: datetime) -> tuple[Hold, dict[str, int]]:
    """What claiming this email would count, and the caps that apply (kind -> cap)."""
    domain = recipient_domain(email.recipient)
    provider = "" if is_reserved_test_domain(domain) else email.contact.mx_provider
    caps = {str(DOMAIN): domain_cap(email.enrollment.campaign.domain_daily_cap)}
    if provider:
        caps[str(PROVIDER)] = provider_caps().get(provider, 0)
    return Hold(utc_day(now), domain, provider), caps


class _Full(Exception):
    def __init__(self, kind: str, used: int) -> None:
        self.kind, self.used = kind, used


def _locked_rows(hold: Hold) -> list[DomainDay]:
    """Lock the hold's rows, domain before provider; the day's first claim inserts them
    (ON CONFLICT DO NOTHING: two first claims cannot both insert)."""
    match = Q()
    for kind, key in hold.counters():
        match |= Q(kind=kind, key=key)
    rows = DomainDay.objects.select_for_update().filter(match, day=hold.day).order_by("kind")
    found = list(rows)
    if len(found) < len(hold.counters()):
        DomainDay.objects.bulk_create(
            [DomainDay(kind=k, key=key, day=hold.day) for k, key in hold.counters()],
            ignore_conflicts=True,
        )
        found = list(rows.all())
    return found


Seen = dict[tuple[str, str], int]  # (kind, key) -> the count a claim found at its cap


def _known_full(hold: Hold, caps: dict[str, int], seen: Seen) -> str:
    for kind, key in hold.counters():
        cap = caps.get(kind, 0)
        if cap and seen.get((kind, key), -1) >= cap:
            return _reason(kind, key)
    return ""


def caps_reserve(*, email: OutboundEmail, now: datetime, seen: Seen) -> tuple[Hold | None, str]:
    """Take today's domain (and provider) slot for this email, inside the claim's transaction.

    Returns (the hold, "") or (None, why it must wait: "domain cap reached ..."). ``seen``
    remembers the counters found full during this claim, so that the other emails to that
    domain are skipped without touching the rows (a campaign with a higher cap still goes)."""
    hold, caps = hold_for(email, now)
    if reason := _known_full(hold, caps, seen):
        return None, reason
    if len(hold.counters()) == 1:  # no provider counted: the common case, one statement
        return _reserve_domain(hold, caps, seen)
    try:
        # A savepoint: a full row's lock is let go at once, so no claim holds a counter it
        # did not take while it looks at other emails (two such claims could deadlock).
        with transaction.atomic():
            rows = _locked_rows(hold)
            for row in rows:
                cap = caps.get(row.kind, 0)
                if cap and row.reserved + row.sent >= cap:
                    raise _Full(row.kind, row.reserved + row.sent)
            DomainDay.objects.filter(pk__in=[r.pk for r in rows]).update(reserved=F("reserved") + 1)
    except _Full as exc:
        key = hold.domain if exc.kind == DOMAIN else hold.provider
        seen[(exc.kind, key)] = exc.used
        return None, _reason(exc.kind, key)
    return hold, ""


def _take(hold: Hold, cap: int) -> bool:
    """``reserved + 1`` on the domain's row when it has room, in one UPDATE: a row it finds
    full is not locked, so no claim holds a counter it did not take."""
    room = {"reserved__lt": Value(cap) - F("sent")} if cap else {}
    rows = DomainDay.objects.filter(kind=DOMAIN, key=hold.domain, day=hold.day, **room)
    return bool(rows.update(reserved=F("reserved") + 1))


def _reserve_domain(hold: Hold, caps: dict[str, int], seen: Seen) -> tuple[Hold | None, str]:
    cap = caps.get(str(DOMAIN), 0)
    if _take(hold, cap):
        return hold, ""
    # Full, or the domain's first claim today: insert the row (ON CONFLICT DO NOTHING lets
    # two first claims agree on one) and try again, so a racing first claim is not refused.
    DomainDay.objects.bulk_create(
        [DomainDay(kind=DOMAIN, key=hold.domain, day=hold.day)], ignore_conflicts=True
    )
    if _take(hold, cap):
        return hold, ""
    row = DomainDay.objects.get(kind=DOMAIN, key=hold.domain, day=hold.day)
    seen[(str(DOMAIN), hold.domain)] = row.reserved + row.sent
    return None, _reason(str(DOMAIN), hold.domain)


def _reason(kind: str, key: str) -> str:
    return f"{kind} cap reached for {key} today (waits for the next UTC day)"


def _ordered_update(hold: Hold, **change: Any) -> None:
    # Domain before provider: the order the claim locks them in.
    for kind, key in hold.counters():
        DomainDay.objects.filter(kind=kind, key=key, day=hold.day, reserved__gt=0).update(**change)


def caps_release(*, hold: Hold | None) -> None:
    """Give the slots back: the email was not delivered and will be tried later."""
    if hold is not None:
        _ordered_update(hold, reserved=F("reserved") - 1)


def caps_consume(*, hold: Hold | None) -> None:
    """Turn the reservation into a send (accepted, or rejected by the domain's server)."""
    if hold is not None:
        _ordered_update(hold, reserved=F("reserved") - 1, sent=F("sent") + 1)


def held(email: OutboundEmail) -> Hold | None:
    """The hold a claimed email carries (None for one claimed before the caps existed)."""
    if email.cap_day is None:
        return None
    return Hold(email.cap_day, recipient_domain(email.recipient), email.cap_provider)


def defer_capped(*, email_id: int, now: datetime) -> None:
    """A capped email waits for the next UTC day, so today's passes stop reading it."""
    OutboundEmail.objects.filter(pk=email_id, status=OutboundEmail.Status.QUEUED).update(
        send_after=next_utc_day(now)
    )


def usage_today(*, now: datetime, limit: int = 200) -> dict[str, Any]:
    """Today's counters with their caps (GET /api/status/domain-caps), busiest first."""
    day, caps, global_cap = utc_day(now), provider_caps(), domain_cap(None)
    rows = (
        DomainDay.objects.filter(day=day)
        .annotate(used=F("reserved") + F("sent"))
        .order_by("-used", "kind", "key")
    )
    out: dict[str, list[dict[str, Any]]] = {"domains": [], "providers": []}
    for row in rows[:limit]:
        cap = global_cap if row.kind == DOMAIN else caps.get(row.key, 0)
        name = "domain" if row.kind == DOMAIN else "provider"
        out[f"{name}s"].append(
            {name: row.key, "reserved": row.reserved, "sent": row.sent, "cap": cap or None}
        )
    return {
        "day": day.isoformat(),
        "resets_at": next_utc_day(now).isoformat(),
        "domain_cap": global_cap or None,
        "provider_caps": caps,
        **out,
    }
