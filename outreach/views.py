"""One-click unsubscribe (RFC 8058). POST unsubscribes; GET only shows a confirm page.

No auth, no CSRF, no cookies: mail clients POST ``List-Unsubscribe=One-Click`` with nothing else.
Link scanners fetch GETs, so a GET never changes anything. Neither answer redirects.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from compliance.services import unsubscribe_token_email
from outreach.services import unsubscribe_by_token


@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    if unsubscribe_token_email(token) is None:
        return render(request, "outreach/unsubscribe.html", {"state": "invalid"}, status=400)
    if request.method == "POST":
        address = unsubscribe_by_token(token)
        response = render(
            request, "outreach/unsubscribe.html", {"state": "done", "address": address}
        )
    else:
        response = render(
            request, "outreach/unsubscribe.html", {"state": "confirm", "token": token}
        )
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    return response
