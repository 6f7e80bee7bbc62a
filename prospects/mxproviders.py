"""Which mailbox provider receives a domain's mail, from the MX hosts verification stored.

A provider's spam filters see every cold email sent to every domain it hosts: a burst of first
emails to forty hotels on Google Workspace looks, to Google, like one burst. The send ledger caps
sends per provider per day (``outreach.services.domaincaps``) with the name found here. It is
decided once, at verification, from the MX answer already looked up there; never at send time.

Pure functions, no Django, no DNS. A host belongs to a provider when it is one of the suffixes
below or ends with "." + one of them.
"""

from __future__ import annotations

# provider: MX host suffixes (the hosts the provider documents for its customers' domains)
PROVIDER_MX: dict[str, tuple[str, ...]] = {
    # Google Workspace (aspmx.l.google.com, smtp.google.com) and consumer Gmail
    "google": ("google.com", "googlemail.com"),
    # Microsoft 365 (<tenant>.mail.protection.outlook.com), Outlook.com / Hotmail (olc.protection)
    "microsoft": ("outlook.com", "hotmail.com", "outlook.office365.com"),
    "yahoo": ("yahoodns.net", "yahoo.com"),
    "zoho": ("zoho.com", "zoho.eu", "zoho.in", "zohomail.com"),
    "ovh": ("ovh.net",),  # mx1.mail.ovh.net: many small French and Spanish hotels
    "ionos": ("ionos.com", "ionos.de", "ionos.es", "ionos.fr", "ionos.co.uk", "kundenserver.de",
              "1and1.com", "1and1.co.uk", "1and1.es", "1and1.fr"),
    "gmx": ("gmx.net", "web.de"),
    "icloud": ("icloud.com",),
    "proton": ("protonmail.ch",),
    "fastmail": ("messagingengine.com",),
    "yandex": ("yandex.net", "yandex.ru"),
    # Security gateways in front of a company's mailboxes: one filter for all their customers.
    "mimecast": ("mimecast.com",),
    "proofpoint": ("pphosted.com", "ppe-hosted.com"),
}  # fmt: skip

# RFC 2606 / RFC 6761 names: never a real recipient, so never a provider (demo, tests).
RESERVED_TLDS = ("example", "test", "invalid", "localhost")


def is_reserved_test_domain(domain: str) -> bool:
    """True for ``*.example``, ``*.test``, ``*.invalid`` and ``localhost`` (and under it)."""
    name = domain.strip().lower().rstrip(".")
    return name.rpartition(".")[2] in RESERVED_TLDS


def _host_provider(host: str) -> str:
    host = host.strip().lower().rstrip(".")
    for provider, suffixes in PROVIDER_MX.items():
        if any(host == s or host.endswith("." + s) for s in suffixes):
            return provider
    return ""


def mx_provider(hosts: list[str], *, domain: str = "") -> str:
    """The provider of the most preferred recognised MX host ("" when none is recognised, or
    when the recipient's domain is a reserved test domain)."""
    if domain and is_reserved_test_domain(domain):
        return ""
    return next((p for p in map(_host_provider, hosts) if p), "")
