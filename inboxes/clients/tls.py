from __future__ import annotations

import ipaddress
import ssl

from django.conf import settings


def client_context() -> ssl.SSLContext:
    """Certificates are always verified; SMTP_CA_FILE adds a CA (e.g. a private relay's)."""
    context = ssl.create_default_context()
    ca_file = settings.JENGU.get("SMTP_CA_FILE")
    if ca_file:
        context.load_verify_locations(cafile=ca_file)
    return context


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
