"""The client's address, one rule for every feature that records or counts it (the login
lockout, tracking hits): REMOTE_ADDR, or behind ``JENGU_PROXY_COUNT`` trusted reverse proxies
the address the outermost one saw."""

from __future__ import annotations

from typing import Any

from django.conf import settings


def client_ip(request: Any) -> str | None:
    """The client's address as the outermost trusted proxy saw it (README "Login security").

    Each of ``JENGU_PROXY_COUNT`` proxies appends the address it received the request from to
    X-Forwarded-For, so only the last ``count`` entries are trustworthy; anything before them
    was written by the client and is ignored.
    """
    remote = request.META.get("REMOTE_ADDR")
    count = settings.JENGU_PROXY_COUNT
    if count <= 0:
        return remote
    hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    hops = [h for h in hops if h]
    return hops[-count] if len(hops) >= count else remote
