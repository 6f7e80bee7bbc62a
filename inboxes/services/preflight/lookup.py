"""DNS answers as the checks need them: records, "absent", or ``Unanswered`` (a warn)."""

from __future__ import annotations

import ipaddress

import dns.exception
import dns.resolver
import dns.reversename

from inboxes.clients.dns import BudgetResolver


class Unanswered(Exception):
    """DNS gave no verdict (timeout, SERVFAIL, no nameserver): the check is a warn."""


def _resolve(resolver: BudgetResolver, name: str, rdtype: str) -> list[str] | None:
    """Texts of the answer, or None when the name or the type does not exist."""
    try:
        answer = resolver.resolve(name, rdtype)
    except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer):
        return None
    except dns.exception.Timeout as exc:
        raise Unanswered(f"DNS did not answer {name} {rdtype} in time") from exc
    except (dns.exception.DNSException, ValueError, OSError) as exc:
        raise Unanswered(f"DNS failed for {name} {rdtype}: {type(exc).__name__}") from exc
    if rdtype == "TXT":
        return [b"".join(r.strings).decode("utf-8", "replace") for r in answer]
    return [r.to_text() for r in answer]


def txt(resolver: BudgetResolver, name: str) -> list[str]:
    return _resolve(resolver, name, "TXT") or []


def mx_hosts(resolver: BudgetResolver, domain: str) -> list[str] | None:
    values = _resolve(resolver, domain, "MX")
    if values is None:
        return None
    pairs = sorted((int(v.split()[0]), v.split()[1].rstrip(".").lower()) for v in values)
    return [host for _pref, host in pairs]


def addresses(resolver: BudgetResolver, host: str) -> list[str]:
    """A and AAAA of a host (a literal IP is its own address)."""
    try:
        return [str(ipaddress.ip_address(host))]
    except ValueError:
        pass
    found: list[str] = []
    for rdtype in ("A", "AAAA"):
        found += _resolve(resolver, host, rdtype) or []
    return found


def ptr_names(resolver: BudgetResolver, ip: str) -> list[str]:
    name = dns.reversename.from_address(ip).to_text()
    return [v.rstrip(".").lower() for v in _resolve(resolver, name, "PTR") or []]
