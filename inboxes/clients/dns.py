"""The DNS resolver of the inbox checks (DNS preflight): ``DNS_RESOLVER`` with a time budget.

Every lookup goes to ``DNS_RESOLVER`` (``ip[:port]``; empty = the system resolver) and waits at
most ``per_lookup`` seconds; all lookups of one check share a deadline, so a stalled server costs
the whole check at most ``budget`` seconds, never a hang. Libraries that take a resolver
(checkdmarc) get this one and so obey the same bounds.
"""

from __future__ import annotations

import time
from typing import Any

import dns.exception
import dns.resolver


class BudgetResolver(dns.resolver.Resolver):
    """A resolver whose every ``resolve`` is cut to the time left before its deadline."""

    def __init__(self, *, per_lookup: float, budget: float) -> None:
        super().__init__(configure=False)
        self.per_lookup = per_lookup
        self.deadline = time.monotonic() + budget
        self.timed_out = 0  # lookups that ran out of time: the check says "warn", not "fail"

    def remaining(self) -> float:
        return self.deadline - time.monotonic()

    def resolve(self, qname: Any, rdtype: Any = "A", *args: Any, **kwargs: Any) -> Any:
        left = min(self.per_lookup, self.remaining())
        if left <= 0.05:
            self.timed_out += 1
            raise dns.resolver.LifetimeTimeout(timeout=0.0, errors=[])
        kwargs["lifetime"] = min(kwargs.get("lifetime") or left, left)
        kwargs["search"] = False
        try:
            return super().resolve(qname, rdtype, *args, **kwargs)
        except dns.exception.Timeout:
            self.timed_out += 1
            raise


def budget_resolver(address: str, *, per_lookup: float, budget: float) -> BudgetResolver:
    """The resolver at ``ip[:port]`` (settings DNS_RESOLVER), or the system's nameservers."""
    resolver = BudgetResolver(per_lookup=per_lookup, budget=budget)
    if address:
        host, _, port = address.rpartition(":") if address.count(":") == 1 else (address, "", "")
        resolver.nameservers = [host or address]
        resolver.port = int(port) if port else 53
    else:
        try:
            resolver.nameservers = dns.resolver.Resolver().nameservers
        except dns.resolver.NoResolverConfiguration:  # no /etc/resolv.conf: every lookup fails
            resolver.nameservers = []
    # One UDP try per lookup: a retry would only spend the same budget again.
    resolver.timeout = per_lookup
    resolver.lifetime = per_lookup
    return resolver
