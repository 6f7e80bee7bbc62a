"""The admin's two-factor pages: set up an authenticator app, and give a code after login."""

from __future__ import annotations

from base64 import b32encode
from typing import Any

import django_otp
import segno
from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe

from core.security.services import (
    confirmed_device,
    required_for,
    totp_device_confirm,
    totp_device_pending,
)
from core.security.twofactor import VERIFY_URL


class CodeForm(forms.Form):
    otp_token = forms.CharField(
        label="Authentication code",
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if safe else "/admin/"


def _page(request: HttpRequest, template: str, title: str, **context: Any) -> HttpResponse:
    context = {**admin.site.each_context(request), "title": title, **context}
    return render(request, template, {"next": _next_url(request), **context})


def setup(request: HttpRequest) -> HttpResponse:
    """Enrol: a QR code (inline SVG) and the secret in text, confirmed with one code."""
    user: Any = request.user
    if confirmed_device(user) and not user.is_verified():
        # Replacing a device needs the old one first, or a password alone would disable 2FA.
        return redirect(f"{VERIFY_URL}?next={request.path}")
    device = totp_device_pending(user=user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if totp_device_confirm(device=device, token=form.cleaned_data["otp_token"], actor=user):
            django_otp.login(request, device)
            messages.success(request, "Two-factor authentication is on for your account.")
            return redirect(_next_url(request))
        form.add_error(
            "otp_token",
            "That code is not right (or too many tries: wait a minute). Check the phone's clock.",
        )
    qr = segno.make(device.config_url, error="m").svg_inline(scale=4, light="#fff")
    return _page(
        request,
        "admin/twofactor_setup.html",
        "Two-factor authentication",
        form=form,
        # segno's markup holds only path data: the URL (and its username) is drawn, not written
        qr_svg=mark_safe(qr),  # noqa: S308
        secret=b32encode(device.bin_key).decode(),
        enrolled=confirmed_device(user) is not None,
        required=required_for(user),
    )


def verify(request: HttpRequest) -> HttpResponse:
    """After a password-only login: the code from the user's device."""
    user: Any = request.user
    device = confirmed_device(user)
    if device is None:
        return redirect(_next_url(request))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        allowed, _ = device.verify_is_allowed()
        if allowed and device.verify_token(form.cleaned_data["otp_token"].strip()):
            django_otp.login(request, device)
            return redirect(_next_url(request))
        form.add_error("otp_token", "That code is not right (or too many tries: wait a minute).")
    return _page(request, "admin/twofactor_verify.html", "Authentication code", form=form)
