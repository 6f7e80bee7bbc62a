"""Lockout after repeated failed logins: django-axes' hooks, and the one unlock service."""

from __future__ import annotations

from typing import Any

from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from core.clientip import client_ip

LOCKED_OUT = "locked_out"
__all__ = ["LOCKED_OUT", "client_ip"]  # client_ip: AXES_CLIENT_IP_CALLABLE


def locked_out_message(request: HttpRequest) -> str:
    cool_off = get_cool_off(request)
    if cool_off:
        minutes = max(1, int(cool_off.total_seconds() // 60))
        return (
            f"Too many failed logins: locked out for {minutes} minutes, or until an admin unlocks."
        )
    return "Too many failed logins: locked out until an admin unlocks (manage.py unlock_login)."


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """axes' answer to a locked-out login: JSON under /api/, the admin's look elsewhere."""
    message = locked_out_message(request)
    status = settings.AXES_HTTP_RESPONSE_CODE
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message, "code": LOCKED_OUT}, status=status)
    context = {**admin.site.each_context(request), "title": "Locked out", "message": message}
    return render(request, "admin/locked_out.html", context, status=status)
