"""What a preflight checks for one inbox: its From domain, how it sends, its DKIM selector."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from inboxes.models import Inbox

KEYS = ("mx", "spf", "dkim", "dmarc", "rdns")
Result = dict[str, str]  # {"result": "pass"|"warn"|"fail"|"not_checked", "reason": "..."}

# Names that never reach real DNS (RFC 2606, RFC 6761): the demo and the tests use them.
RESERVED_SUFFIXES = (".example", ".test", ".invalid", ".localhost")
RESERVED_NAMES = ("localhost", "example.com", "example.net", "example.org")

# Hosted SMTP services: the SPF include that authorises them (their servers, not ours, send).
PROVIDER_INCLUDES = {
    "gmail.com": "_spf.google.com",
    "googlemail.com": "_spf.google.com",
    "google.com": "_spf.google.com",
    "office365.com": "spf.protection.outlook.com",
    "outlook.com": "spf.protection.outlook.com",
    "zoho.com": "zohomail.com",
    "zoho.eu": "zohomail.eu",
    "amazonaws.com": "amazonses.com",
    "sendgrid.net": "sendgrid.net",
    "mailgun.org": "mailgun.org",
}
GRAPH_INCLUDE = "spf.protection.outlook.com"


def result(outcome: str, reason: str) -> Result:
    return {"result": outcome, "reason": reason}


def not_checked(reason: str) -> dict[str, Result]:
    return {key: result("not_checked", reason) for key in KEYS}


def is_reserved(domain: str) -> bool:
    domain = domain.lower().rstrip(".")
    return domain in RESERVED_NAMES or domain.endswith(RESERVED_SUFFIXES)


def _provider_include(host: str) -> str:
    host = host.lower().rstrip(".")
    for suffix, include in PROVIDER_INCLUDES.items():
        if host == suffix or host.endswith("." + suffix):
            return include
    return ""


@dataclass(frozen=True)
class Target:
    domain: str
    smtp_host: str  # "" for Graph
    include: str  # the provider's SPF include; "" = a self-hosted server, checked by address
    selector: str

    @property
    def self_hosted(self) -> bool:
        return bool(self.smtp_host) and not self.include

    @classmethod
    def of(cls, inbox: Inbox) -> Target:
        graph = inbox.provider == Inbox.Provider.GRAPH
        host = "" if graph else inbox.smtp_host.strip().lower()
        include = GRAPH_INCLUDE if graph else _provider_include(host)
        return cls(inbox.domain, host, include, inbox.dkim_selector.strip().lower())


def skip_reason(inbox: Inbox) -> str:
    """Why this inbox is not checked at all ("" = it is)."""
    if inbox.provider == Inbox.Provider.MAILDIR:
        return "Maildir inbox: writes files, sends nothing over the internet"
    if is_reserved(inbox.domain):
        return f"{inbox.domain} is a reserved test domain; it has no public DNS"
    if inbox.provider == Inbox.Provider.SMTP and not inbox.smtp_host.strip():
        return "no SMTP host configured"
    return ""


def mode() -> str:
    """``JENGU_DNS_PREFLIGHT``: ``warn``, ``enforce`` or ``off``."""
    return str(settings.JENGU.get("DNS_PREFLIGHT", "warn"))
