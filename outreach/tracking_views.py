"""``/t/c/<token>`` (a tracked link) and ``/t/o/<token>`` (the open pixel). No authentication.

Both answer fast and never with a 500: a token that is not ours, or was altered, is a 400 (a
click never redirects then); a valid token whose email is gone still works (a click still leads
to its destination) and records nothing; a failure to record is logged, never shown.
"""

from __future__ import annotations

import base64
import logging

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from core.clientip import client_ip
from outreach.models import TrackingEvent
from outreach.services.tracking import tracking_record
from outreach.services.tracking_links import read_click, read_open

log = logging.getLogger(__name__)
PIXEL = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")  # 1x1 GIF
NO_CACHE = {
    "Cache-Control": "no-store, no-cache, must-revalidate, max-age=0, private",
    "Pragma": "no-cache",
    "Expires": "0",
    "X-Robots-Tag": "noindex, nofollow",
    "Referrer-Policy": "no-referrer",
}


def _record(request: HttpRequest, kind: str, email_id: int, url: str = "") -> None:
    try:
        tracking_record(
            kind=kind,
            email_id=email_id,
            url=url,
            user_agent=request.META.get("HTTP_USER_AGENT", ""),
            ip=client_ip(request) or "",
            method=request.method or "GET",
            now=timezone.now(),
        )
    except Exception:  # a lost hit is better than a broken link or image
        log.exception("tracking hit not recorded", extra={"email": email_id, "kind": kind})


def _uncached(response: HttpResponse) -> HttpResponse:
    for name, value in NO_CACHE.items():
        response[name] = value
    return response


def _invalid() -> HttpResponse:
    return _uncached(
        HttpResponse("Invalid or altered link.\n", status=400, content_type="text/plain")
    )


@require_http_methods(["GET", "HEAD"])
def click(request: HttpRequest, token: str) -> HttpResponse:
    hit = read_click(token)
    if hit is None:
        return _invalid()
    _record(request, TrackingEvent.Kind.CLICK, hit.email_id, hit.url)
    return _uncached(HttpResponseRedirect(hit.url))  # http(s) only: read_click checked it


@require_http_methods(["GET", "HEAD"])
def pixel(request: HttpRequest, token: str) -> HttpResponse:
    email_id = read_open(token)
    if email_id is None:
        return _invalid()
    _record(request, TrackingEvent.Kind.OPEN, email_id)
    return _uncached(HttpResponse(PIXEL, content_type="image/gif"))
