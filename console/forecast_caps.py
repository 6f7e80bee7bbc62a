"""The forecast's view of the per-domain and per-provider daily caps (outreach.services.domaincaps).

Recipients are grouped by provider, then by registrable domain; each simulated day a domain
takes at most its cap and a provider at most its own, and what is over waits for the next day.
Today starts from what today's counters already hold. Work per day is bounded by what is planned
that day plus the number of providers, so a year of a large list stays cheap.
"""

from __future__ import annotations

from collections import OrderedDict, deque
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache

from outreach.models import DomainDay
from outreach.services.domaincaps import (
    DOMAIN,
    PROVIDER,
    domain_cap,
    provider_caps,
    recipient_domain,
    utc_day,
)
from prospects.mxproviders import is_reserved_test_domain

UNLIMITED = 1 << 62


@dataclass(slots=True)
class _Group:
    domain: str
    pending: int


@lru_cache(maxsize=4096)
def _host_domain(host: str) -> tuple[str, bool]:
    """(registrable domain, is it a reserved test domain) of a recipient's host. The Public
    Suffix List is read once per host while it stays in this small cache (a gmail.com comes
    back often; a hotel's own domain once)."""
    domain = recipient_domain(host)
    return domain, is_reserved_test_domain(domain)


class CapPlan:
    def __init__(self, recipients: Iterable[tuple[str, str]], *, extra: int, now: datetime) -> None:
        self.today = utc_day(now)
        self.domain_cap = domain_cap(None) or UNLIMITED
        self.provider_caps = provider_caps()
        self.extra = extra  # emails beyond the known recipients: no cap applies to them
        self.buckets: OrderedDict[str, deque[_Group]] = OrderedDict()
        groups: dict[str, dict[str, _Group]] = {}  # provider -> domain -> its group
        self.seen = 0  # how many recipients were read
        # One pass, a group per (provider, domain) in first-seen order: no row per recipient,
        # no table per host and no key tuple per group, so a million-prospect forecast stays
        # small.
        for email, provider in recipients:
            self.seen += 1
            domain, reserved = _host_domain(email.rpartition("@")[2].strip().lower())
            provider = "" if reserved else provider
            by_domain = groups.get(provider)
            if by_domain is None:
                by_domain = groups[provider] = {}
                self.buckets[provider] = deque()
            group = by_domain.get(domain)
            if group is None:
                group = by_domain[domain] = _Group(domain, 0)
                self.buckets[provider].append(group)
            group.pending += 1
        self.used = self._used_today(groups)

    def _used_today(self, groups: dict[str, dict[str, _Group]]) -> dict[tuple[str, str], int]:
        def wanted(kind: str, key: str) -> bool:
            if kind == str(PROVIDER):
                return bool(key) and key in groups
            return kind == str(DOMAIN) and any(key in by_domain for by_domain in groups.values())

        # Today's rows (as many as domains written to today), not an IN over every recipient.
        rows = DomainDay.objects.filter(day=self.today).values_list(
            "kind", "key", "reserved", "sent"
        )
        return {(kind, key): r + s for kind, key, r, s in rows if wanted(kind, key)}

    def _room(self, day: date, kind: str, key: str, cap: int) -> int:
        used = self.used.get((kind, key), 0) if day == self.today else 0
        return max(0, cap - used)

    def take(self, day: date, room: int) -> int:
        """How many of ``room`` sends the caps let go on ``day``; those leave the plan."""
        taken = 0
        for provider, groups in self.buckets.items():
            cap = self.provider_caps.get(provider, 0) if provider else 0
            p_room = self._room(day, str(PROVIDER), provider, cap) if cap else UNLIMITED
            for _ in range(len(groups)):
                if taken == room or p_room == 0:
                    break
                group = groups.popleft()
                d_room = self._room(day, str(DOMAIN), group.domain, self.domain_cap)
                n = min(group.pending, d_room, p_room, room - taken)
                group.pending, taken, p_room = group.pending - n, taken + n, p_room - n
                if group.pending:
                    groups.append(group)
        extra = min(self.extra, room - taken)
        self.extra -= extra
        return taken + extra
