"""DNS zones for the preflight tests: one sending domain set up right, and ways to break it.

The domains are ordinary names (``hotel-sender.net``), not reserved test names: reserved names
are never checked. Every lookup goes to the DNS test server, never to the internet.
"""

from __future__ import annotations

import base64
from functools import cache
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from inboxes.models import Inbox
from tests.factories import InboxFactory

DOMAIN = "hotel-sender.net"
SMTP_HOST = "mail.hotel-sender.net"
SMTP_IP = "203.0.113.9"
REVERSE = "9.113.0.203.in-addr.arpa"


@cache
def dkim_key(bits: int = 2048) -> str:
    """A real RSA public key as a DKIM record's ``p=`` (base64 SubjectPublicKeyInfo)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=bits).public_key()
    der = key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return base64.b64encode(der).decode()


def dkim_record(p: str) -> list[str]:
    """One TXT record of 255-byte strings, as DNS hosts publish a 2048-bit key."""
    text = f"v=DKIM1; k=rsa; p={p}"
    return [text[i : i + 255] for i in range(0, len(text), 255)]


def good_zone() -> dict[str, Any]:
    """A self-hosted sender done right: MX, SPF with ``a:`` of the SMTP host, DKIM at s1,
    DMARC p=quarantine, and the SMTP host's A -> PTR -> A round trip."""
    return {
        DOMAIN: {
            "MX": [(10, f"mx.{DOMAIN}")],
            "TXT": [f"v=spf1 a:{SMTP_HOST} include:_spf.relay-example.net -all", "site=1"],
        },
        f"mx.{DOMAIN}": {"A": ["203.0.113.20"]},
        SMTP_HOST: {"A": [SMTP_IP]},
        REVERSE: {"PTR": [SMTP_HOST]},
        "_spf.relay-example.net": {"TXT": ["v=spf1 ip4:198.51.100.0/24 ~all"]},
        f"s1._domainkey.{DOMAIN}": {"TXT": [dkim_record(dkim_key())]},
        f"_dmarc.{DOMAIN}": {"TXT": [f"v=DMARC1; p=quarantine; rua=mailto:dmarc@{DOMAIN}"]},
    }


def spf_with_too_many_lookups() -> dict[str, Any]:
    """SPF whose include chain needs 11 DNS lookups (RFC 7208 allows 10)."""
    zone = good_zone()
    names = [f"_spf{n}.{DOMAIN}" for n in range(11)]
    zone[DOMAIN]["TXT"] = [f"v=spf1 a:{SMTP_HOST} include:{names[0]} -all"]
    for n, name in enumerate(names):
        tail = f" include:{names[n + 1]}" if n + 1 < len(names) else ""
        zone[name] = {"TXT": [f"v=spf1 ip4:192.0.2.{n}{tail} ~all"]}
    return zone


def smtp_inbox(**fields: Any) -> Inbox:
    defaults = {
        "key": "smtp-1",
        "provider": Inbox.Provider.SMTP,
        "address": f"ana@{DOMAIN}",
        "smtp_host": SMTP_HOST,
    }
    return InboxFactory(**{**defaults, **fields})


def use(dns_server: Any, settings: Any, zone: dict[str, Any], mode: str = "warn") -> None:
    dns_server.records.clear()
    dns_server.records.update(zone)
    settings.JENGU = {**settings.JENGU, "DNS_RESOLVER": dns_server.address, "DNS_PREFLIGHT": mode}
