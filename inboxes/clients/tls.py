from __future__ import annotations

import functools
import ipaddress
import os
import ssl

from django.conf import settings


def client_context() -> ssl.SSLContext:
    """Certificates are always verified; SMTP_CA_FILE adds a CA (e.g. a private relay's)."""
    ca_file = settings.JENGU.get("SMTP_CA_FILE") or ""
    return _context(ca_file, os.stat(ca_file).st_mtime_ns if ca_file else 0)


@functools.lru_cache(maxsize=8)
def _context(ca_file: str, _mtime: int) -> ssl.SSLContext:
    # Loading the system's CA store takes tens of milliseconds: once per process (and per
    # version of the CA file), not once per connection. A context may serve many sockets.
    context = ssl.create_default_context()
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
