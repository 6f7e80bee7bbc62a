"""One-click unsubscribe (RFC 8058). POST unsubscribes; GET only shows a confirm page.

No auth, no CSRF, no cookies: mail clients POST ``List-Unsubscribe=One-Click`` with nothing else.
Link scanners fetch GETs, and mail scanners check links with HEAD, so neither changes anything:
HEAD answers as GET does (status and headers), without the body. No answer redirects.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from compliance.services import unsubscribe_token_email
from outreach.services import unsubscribe_by_token


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    response = _answer(request, token)
    if request.method == "HEAD":  # gunicorn drops a HEAD body, Django's own handler does not
        response["Content-Length"] = str(len(response.content))
        response.content = b""
    return response


def _answer(request: HttpRequest, token: str) -> HttpResponse:
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
