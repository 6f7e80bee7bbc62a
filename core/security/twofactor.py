"""Two-factor at login: the admin login form's code field and the gate after login.

``JENGU_REQUIRE_2FA`` unset: the admin login form is Django's (username, password); a user
who enrolled is asked for a code on the next page. Set: the form asks for the code too, and
an admin without a device is sent to the setup page before anything else.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib.admin import AdminSite
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django_otp.forms import OTPAuthenticationFormMixin

from core.security.services import confirmed_device, needs_otp

SETUP_URL = "/admin/2fa/setup/"
VERIFY_URL = "/admin/2fa/verify/"
# What an unverified session may still reach: the pages that verify it, logging out, assets.
OPEN_PATHS = (SETUP_URL, VERIFY_URL, "/admin/login/", "/admin/logout/", "/admin/jsi18n/")
OPEN_PREFIXES = ("/static/", "/health", "/api/health", "/api/auth/token", "/favicon.ico")


def otp_login_form(base: type[AuthenticationForm]) -> type[AuthenticationForm]:
    """``base`` (the admin's login form) plus a code field while JENGU_REQUIRE_2FA is set."""

    class OTPLoginForm(OTPAuthenticationFormMixin, base):  # type: ignore[valid-type, misc]
        otp_token = forms.CharField(
            label="Authentication code",
            required=False,
            widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
            help_text="From your authenticator app. Not set up yet? Leave it empty.",
        )

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            if not settings.JENGU_REQUIRE_2FA:
                del self.fields["otp_token"]  # the stock form, exactly

        def clean(self) -> dict[str, Any]:
            cleaned = super().clean()
            user = self.get_user()
            if settings.JENGU_REQUIRE_2FA and user is not None and confirmed_device(user):
                try:
                    self.clean_otp(user)
                except forms.ValidationError:
                    if self.data.get("otp_token"):  # a wrong code counts like a wrong password
                        user_login_failed.send(
                            sender=__name__,
                            credentials={"username": user.get_username()},
                            request=self.request,
                        )
                    raise
            return cleaned

        def _chosen_device(self, user: Any) -> Any:
            return confirmed_device(user)  # one TOTP device per user: no device picker

    return OTPLoginForm


def install_admin_login(site: AdminSite) -> None:
    """Switch the site's login form and template; the site object stays the one apps use."""
    base = site.login_form or AdminAuthenticationForm
    site.login_form = otp_login_form(base)
    site.login_template = "admin/jengu_login.html"


def _is_open(path: str) -> bool:
    return path in OPEN_PATHS or path.startswith(OPEN_PREFIXES)


class TwoFactorMiddleware:
    """A signed-in user who needs a code and has not given one reaches only the 2FA pages."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not _is_open(request.path)
            and not user.is_verified()  # type: ignore[union-attr]
            and needs_otp(user)
        ):
            return self.gate(request, user)
        return self.get_response(request)

    def gate(self, request: HttpRequest, user: Any) -> HttpResponse:
        if request.path.startswith("/api/"):
            return JsonResponse(
                {
                    "detail": "This session has not passed two-factor authentication.",
                    "code": "two_factor_required",
                },
                status=403,
            )
        target = VERIFY_URL if confirmed_device(user) else SETUP_URL
        return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
