"""SPF: does the domain's record authorise the inbox's SMTP server or provider?

checkdmarc parses the record and resolves ``include:``, ``redirect=``, ``a`` and ``mx`` with
the RFC 7208 limit of 10 DNS lookups; we then walk its parsed tree for the provider's include
or for an address of our own SMTP host (first match wins, as receivers evaluate it).
"""

from __future__ import annotations

import ipaddress
from typing import Any

from checkdmarc.spf import SPFError, SPFTooManyDNSLookups, parse_spf_record

from inboxes.clients.dns import BudgetResolver
from inboxes.services.preflight import lookup
from inboxes.services.preflight.target import Result, Target, result


def _spf_record(resolver: BudgetResolver, domain: str) -> list[str]:
    return [t for t in lookup.txt(resolver, domain) if t.lower().startswith("v=spf1")]


def _in_network(ips: list[str], value: str) -> bool:
    network = ipaddress.ip_network(value, strict=False)
    return any(ipaddress.ip_address(ip) in network for ip in ips)


def _mechanism_matches(
    mechanism: dict[str, Any], target: Target, ips: list[str], resolver: BudgetResolver
) -> bool:
    kind, value = mechanism["mechanism"], str(mechanism.get("value", "")).lower()
    if kind == "include":
        if target.include and value == target.include:
            return True
        return authorises(mechanism.get("parsed") or {}, target, ips, resolver)
    if kind in ("ip4", "ip6") and not target.include:
        return _in_network(ips, value)
    if kind == "a" and not target.include:
        return bool(set(ips) & set(mechanism.get("addresses", [])))
    if kind == "mx" and not target.include:
        hosts = [h["hostname"].lower() for h in mechanism.get("hosts", [])]
        if target.smtp_host in hosts:
            return True
        return any(set(ips) & set(lookup.addresses(resolver, host)) for host in hosts)
    return False


def authorises(
    parsed: dict[str, Any], target: Target, ips: list[str], resolver: BudgetResolver
) -> bool:
    for mechanism in parsed.get("mechanisms", []):
        if mechanism.get("action") == "pass" and _mechanism_matches(
            mechanism, target, ips, resolver
        ):
            return True
    redirect = parsed.get("redirect") or {}
    if redirect.get("domain", "").lower() == target.include and target.include:
        return True
    return bool(redirect) and authorises(redirect.get("parsed") or {}, target, ips, resolver)


def _sender(target: Target) -> str:
    return target.include if target.include else f"the SMTP host {target.smtp_host}"


def check_spf(resolver: BudgetResolver, target: Target) -> Result:
    records = _spf_record(resolver, target.domain)
    if not records:
        return result("fail", f"{target.domain} publishes no SPF record")
    if len(records) > 1:
        return result("fail", f"{target.domain} publishes {len(records)} SPF records (permerror)")
    ips = [] if target.include else lookup.addresses(resolver, target.smtp_host)
    if not target.include and not ips:
        return result("fail", f"the SMTP host {target.smtp_host} has no address")
    try:
        parsed = parse_spf_record(
            records[0],
            target.domain,
            resolver=resolver,
            timeout=resolver.per_lookup,
            retries=0,
        )
    except SPFTooManyDNSLookups as exc:
        return result("fail", f"{exc.args[0]}: receivers stop at 10 lookups (permerror)")
    except SPFError as exc:
        if resolver.timed_out:
            raise lookup.Unanswered(f"DNS timed out while resolving the SPF record: {exc}") from exc
        return result("fail", f"SPF record is invalid: {exc.args[0]}")
    if authorises(parsed["parsed"], target, ips, resolver):
        if parsed["parsed"].get("all") == "pass":
            return result("warn", "SPF ends in +all: it authorises every server on the internet")
        return result("pass", f"{records[0]} authorises {_sender(target)}")
    if resolver.timed_out:
        raise lookup.Unanswered("DNS timed out while resolving the SPF record's includes")
    delegated = _delegations(parsed["parsed"])
    if target.self_hosted and delegated:
        # A relay we do not know submits on one host and sends from others: its include may
        # well cover them, so this is for the operator to confirm, never a block.
        return result(
            "warn",
            f"{target.smtp_host}'s address is not in {records[0]}; it passes only if "
            f"{', '.join(delegated)} covers the servers that relay this inbox's mail",
        )
    return result("fail", f"{records[0]} does not authorise {_sender(target)}")


def _delegations(parsed: dict[str, Any]) -> list[str]:
    names = [m["value"] for m in parsed.get("mechanisms", []) if m["mechanism"] == "include"]
    redirect = parsed.get("redirect") or {}
    return names + ([redirect["domain"]] if redirect.get("domain") else [])
