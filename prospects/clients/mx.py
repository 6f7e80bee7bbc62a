"""MX lookups with dnspython: can this domain receive mail at all?

Statuses: ``ok`` (MX hosts), ``implicit`` (no MX but an A/AAAA record, which RFC 5321 allows
as a fallback), ``null_mx`` (RFC 7505 "0 ." — the domain declares it takes no mail), ``none``
(neither MX nor address), ``nxdomain`` (the domain does not exist), ``error`` (timeout,
SERVFAIL, no resolver: nothing is known).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import dns.exception
import dns.resolver


@dataclass
class MxResult:
    domain: str
    status: str
    hosts: list[str] = field(default_factory=list)
    detail: str = ""

    @property
    def deliverable(self) -> bool | None:
        """True / False when DNS decided, None when the lookup failed."""
        if self.status == "error":
            return None
        return self.status in ("ok", "implicit")

    def as_evidence(self) -> dict[str, object]:
        data: dict[str, object] = {"status": self.status, "hosts": self.hosts[:5]}
        if self.detail:
            data["detail"] = self.detail
        return data


def make_resolver(address: str, timeout: float) -> dns.resolver.Resolver:
    """The system resolver, or the one at ``ip[:port]`` (settings DNS_RESOLVER)."""
    if address:
        resolver = dns.resolver.Resolver(configure=False)
        host, _, port = address.rpartition(":") if address.count(":") == 1 else (address, "", "")
        resolver.nameservers = [host or address]
        resolver.port = int(port) if port else 53
    else:
        try:
            resolver = dns.resolver.Resolver()
        except dns.resolver.NoResolverConfiguration:  # no /etc/resolv.conf: lookups say "error"
            resolver = dns.resolver.Resolver(configure=False)
    resolver.timeout = timeout
    resolver.lifetime = timeout
    return resolver


def _addresses(resolver: dns.resolver.Resolver, domain: str) -> bool:
    for rdtype in ("A", "AAAA"):
        try:
            resolver.resolve(domain, rdtype)
        except (dns.resolver.NoAnswer, dns.resolver.NXDOMAIN):
            continue
        return True
    return False


def lookup_mx(domain: str, *, resolver: dns.resolver.Resolver) -> MxResult:
    try:
        answer = resolver.resolve(domain, "MX")
    except dns.resolver.NXDOMAIN:
        return MxResult(domain, "nxdomain", detail="the domain does not exist")
    except dns.resolver.NoAnswer:
        try:
            implicit = _addresses(resolver, domain)
        except dns.exception.DNSException as exc:
            return MxResult(domain, "error", detail=f"{type(exc).__name__}: {exc}")
        return MxResult(domain, "implicit" if implicit else "none")
    except dns.exception.DNSException as exc:  # timeout, SERVFAIL, no nameservers
        return MxResult(domain, "error", detail=f"{type(exc).__name__}: {exc}"[:300])
    records = sorted(answer, key=lambda record: record.preference)
    hosts = [str(record.exchange).rstrip(".") for record in records]
    if hosts in ([""], ["."]) or all(not host for host in hosts):
        return MxResult(domain, "null_mx", detail="the domain accepts no mail (RFC 7505)")
    return MxResult(domain, "ok", hosts=hosts)
