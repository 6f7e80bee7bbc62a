"""POST /api/auth/token: username + password (+ otp) -> the user's DRF token.

The password goes through ``authenticate(request=...)``, so django-axes counts each failure and
refuses a locked-out client exactly as on the admin login; a wrong second factor counts too.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_logged_in, user_login_failed
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.serializers import StrictSerializer
from core.errors import JenguError
from core.security.lockout import LOCKED_OUT, locked_out_message
from core.security.services import api_token_issue, confirmed_device, needs_otp


class TokenRequestSerializer(StrictSerializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=4096, trim_whitespace=False, write_only=True)
    otp = serializers.CharField(max_length=8, required=False, allow_blank=True)


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()


def _failed(request: Request, username: str) -> None:
    user_login_failed.send(sender=__name__, credentials={"username": username}, request=request)


class AuthToken(APIView):
    authentication_classes: list[Any] = []  # credentials are the body, not a session or token
    permission_classes = [AllowAny]
    error_responses = {  # core.api.schema.AutoSchema
        400: "Missing fields (`fields`), wrong credentials (`invalid_credentials`) or a wrong "
        "second factor (`invalid_otp`); `otp` is required of a user who uses two-factor.",
        403: "Two-factor is required of this admin and not set up (`two_factor_setup_required`).",
        429: "Too many failed logins from this address for this username (`locked_out`), or "
        "too many requests (API_THROTTLE_ANON).",
    }

    @extend_schema(request=TokenRequestSerializer, responses={200: TokenSerializer})
    def post(self, request: Request) -> Response:
        incoming = TokenRequestSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        user = authenticate(request=request, username=data["username"], password=data["password"])
        if getattr(request, "axes_locked_out", False):
            raise JenguError(locked_out_message(request), code=LOCKED_OUT, status=429)
        if user is None:
            raise JenguError("Wrong username or password.", code="invalid_credentials")
        if needs_otp(user):
            self.check_otp(request, user, data.get("otp", ""))
        # A login like the admin's: axes forgets the failures, last_login moves.
        user_logged_in.send(sender=user.__class__, request=request, user=user)
        return Response({"token": api_token_issue(user=user)})

    def check_otp(self, request: Request, user: Any, otp: str) -> None:
        device = confirmed_device(user)
        if device is None:
            raise JenguError(
                "Your role requires two-factor authentication: set it up in the admin first.",
                code="two_factor_setup_required",
                status=403,
            )
        if not otp.strip():
            raise serializers.ValidationError({"otp": ["This field is required."]})
        allowed, _ = device.verify_is_allowed()
        if not (allowed and device.verify_token(otp.strip())):
            _failed(request, user.get_username())
            if getattr(request, "axes_locked_out", False):
                raise JenguError(locked_out_message(request), code=LOCKED_OUT, status=429)
            raise JenguError("Wrong authentication code.", code="invalid_otp")
