"""MX, DKIM, DMARC and reverse DNS of one sending domain (SPF is in ``spf``).

DKIM keys are parsed by dkimpy (``dkim.evaluate_pk``: the same code that verifies signatures),
DMARC records by checkdmarc; the lookups are ours, through the budgeted resolver.
"""

from __future__ import annotations

import base64
import re

import dkim
import dkim.util
from checkdmarc.dmarc import DMARCError, parse_dmarc_record
from checkdmarc.utils import get_base_domain

from inboxes.clients.dns import BudgetResolver
from inboxes.services.preflight import lookup
from inboxes.services.preflight.target import Result, Target, result

# Google Workspace, Microsoft 365 (selector1/2), cPanel/Plesk, common hosts and tools.
COMMON_SELECTORS = ("google", "selector1", "selector2", "default", "s1", "s2", "k1", "mail", "dkim")
MIN_KEY_BITS = 1024


def check_mx(resolver: BudgetResolver, target: Target) -> Result:
    hosts = lookup.mx_hosts(resolver, target.domain)
    if hosts is None:
        if lookup.addresses(resolver, target.domain):
            return result("warn", "no MX record: replies fall back to the domain's A record")
        return result("fail", f"{target.domain} has no MX record: replies and bounces are lost")
    if hosts in ([""], ["."]):
        return result("fail", f"{target.domain} has a null MX: it accepts no mail (RFC 7505)")
    return result("pass", "MX " + ", ".join(hosts[:3]))


def _ed25519(selector: str, record: str) -> Result:
    """dkimpy parses Ed25519 keys with PyNaCl, which we do not ship; the key is 32 raw bytes."""
    tags = dkim.util.parse_tag_value(record.encode())
    try:
        raw = base64.b64decode(tags.get(b"p", b""), validate=True)
    except ValueError:
        raw = b""
    if len(raw) != 32:
        return result("fail", f"selector {selector!r}: the ed25519 key is not 32 bytes")
    return result("pass", f"selector {selector!r}: an ed25519 key")


def _dkim_key(resolver: BudgetResolver, selector: str, domain: str) -> Result | None:
    """The verdict on one selector's key, or None when the selector publishes nothing."""
    name = f"{selector}._domainkey.{domain}"
    records = [t for t in lookup.txt(resolver, name) if "p=" in t]
    if not records:
        return None
    if re.search(r"(^|;)\s*k\s*=\s*ed25519", records[0]):
        return _ed25519(selector, records[0])
    try:
        _pk, bits, ktag, _tlsrpt = dkim.evaluate_pk(name.encode(), records[0].encode())
    except dkim.KeyFormatError as exc:
        return result("fail", f"selector {selector!r}: the key does not parse ({exc})"[:300])
    if ktag == b"rsa" and bits < MIN_KEY_BITS:
        return result("warn", f"selector {selector!r}: a {bits}-bit RSA key is too weak")
    return result("pass", f"selector {selector!r}: a valid {bits}-bit {ktag.decode()} key")


def check_dkim(resolver: BudgetResolver, target: Target) -> Result:
    if target.selector:
        found = _dkim_key(resolver, target.selector, target.domain)
        return found or result(
            "fail", f"no DKIM key at {target.selector}._domainkey.{target.domain}"
        )
    for selector in COMMON_SELECTORS:
        found = _dkim_key(resolver, selector, target.domain)
        if found is not None:
            return found
    return result(
        "warn",
        "no DKIM key at the common selectors (" + ", ".join(COMMON_SELECTORS) + "); "
        "set the inbox's DKIM selector",
    )


def _dmarc_record(resolver: BudgetResolver, domain: str) -> tuple[str, str]:
    """(record, where) from the From domain, else its organizational domain (RFC 7489 6.6.3)."""
    org = get_base_domain(domain)
    for name in dict.fromkeys((domain, org)):
        records = [t for t in lookup.txt(resolver, f"_dmarc.{name}") if t.startswith("v=DMARC1")]
        if records:
            return records[0], name
    return "", ""


def check_dmarc(resolver: BudgetResolver, target: Target, spf: Result, dkim_: Result) -> Result:
    record, where = _dmarc_record(resolver, target.domain)
    if not record:
        return result("warn", f"no DMARC record at _dmarc.{target.domain}")
    try:
        tags = parse_dmarc_record(
            record, where, resolver=resolver, timeout=resolver.per_lookup, retries=0
        )["tags"]
    except DMARCError as exc:
        return result("fail", f"DMARC record is invalid: {exc}"[:300])
    policy = tags["p"]["value"] if where == target.domain else tags["sp"]["value"]
    # Our envelope sender is the From address, so SPF and DKIM checked on the From domain are
    # aligned under both relaxed and strict modes; DMARC passes when either of them passes.
    aligned = [name for name, check in (("SPF", spf), ("DKIM", dkim_)) if check["result"] == "pass"]
    if not aligned:
        if "fail" in (spf["result"], dkim_["result"]) and "warn" not in (
            spf["result"],
            dkim_["result"],
        ):
            return result(
                "fail",
                f"misaligned: neither SPF nor DKIM passes for {target.domain}; "
                f"receivers apply p={policy} to every message",
            )
        return result("warn", f"p={policy}; alignment not confirmed (SPF and DKIM unverified)")
    if policy == "none":
        return result("warn", f"p=none: monitoring only; aligned via {' and '.join(aligned)}")
    return result("pass", f"p={policy}, aligned via {' and '.join(aligned)} (record at {where})")


def check_rdns(resolver: BudgetResolver, target: Target) -> Result:
    if not target.self_hosted:
        return result("not_checked", "sent through a provider's servers: their reverse DNS")
    ips = lookup.addresses(resolver, target.smtp_host)
    if not ips:
        return result("fail", f"the SMTP host {target.smtp_host} has no address")
    for ip in ips:
        names = lookup.ptr_names(resolver, ip)
        if not names:
            return result("fail", f"{ip} ({target.smtp_host}) has no PTR record")
        if not any(ip in lookup.addresses(resolver, name) for name in names):
            return result("fail", f"PTR of {ip} is {names[0]}, which does not resolve back to it")
    return result(
        "pass",
        f"{', '.join(ips)} <-> {names[0]}; the server should greet (HELO) as {names[0]}",
    )
