"""/api/admin/emergency-stop, /api/admin/dead-letters and /api/schema/."""

from __future__ import annotations

import django_filters
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView
from rest_framework import generics, serializers
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core import services
from core.api.filters import StrictBooleanFilter, StrictChoiceFilter
from core.api.permissions import AdminOnly, ViewerReadsAdminWrites, ViewerReadsOperatorWrites
from core.api.serializers import StrictSerializer
from core.models import DeadLetter


class EmergencyStopSerializer(StrictSerializer):
    active = serializers.BooleanField()
    reason = serializers.CharField(required=False, allow_blank=True, max_length=300, default="")


class EmergencyStop(APIView):
    """Halts all sending at once; checked at claim time. Default inactive."""

    permission_classes = [ViewerReadsAdminWrites]

    @extend_schema(responses={200: EmergencyStopSerializer})
    def get(self, request: Request) -> Response:
        return Response({"active": services.emergency_stop_active()})

    @extend_schema(request=EmergencyStopSerializer, responses={200: EmergencyStopSerializer})
    def post(self, request: Request) -> Response:
        incoming = EmergencyStopSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        switch = services.emergency_stop_set(
            active=incoming.validated_data["active"],
            reason=incoming.validated_data["reason"],
            actor=request.user,
        )
        return Response({"active": switch.active, "reason": switch.reason})


class DeadLetterSerializer(serializers.ModelSerializer):
    class Meta:
        model = DeadLetter
        fields = [
            "id",
            "kind",
            "task_name",
            "payload",
            "error",
            "attempts",
            "object_type",
            "object_id",
            "created_at",
            "resolved_at",
            "resolution",
        ]
        read_only_fields = fields

    # "" while open: a blank choice the enum must list (read-only fields lose it otherwise)
    resolution = serializers.ChoiceField(
        choices=DeadLetter.Resolution.choices, allow_blank=True, read_only=True
    )


class DeadLetterFilter(django_filters.FilterSet):
    kind = StrictChoiceFilter(choices=DeadLetter.Kind.choices)
    # resolved=true keeps the rows whose resolved_at is set
    resolved = StrictBooleanFilter(field_name="resolved_at", lookup_expr="isnull", exclude=True)


class DeadLetterList(generics.ListAPIView):
    permission_classes = [ViewerReadsAdminWrites]
    serializer_class = DeadLetterSerializer
    queryset = DeadLetter.objects.all()
    filterset_class = DeadLetterFilter


ALREADY_RESOLVED = {409: "The dead letter is already resolved (code `already_resolved`)."}


class DeadLetterReplay(APIView):
    permission_classes = [AdminOnly]
    error_responses = ALREADY_RESOLVED

    @extend_schema(request=None, responses={200: DeadLetterSerializer})
    def post(self, request: Request, pk: int) -> Response:
        letter = services.deadletter_replay(letter_id=pk, actor=request.user)
        return Response(DeadLetterSerializer(letter).data)


class DeadLetterDiscard(APIView):
    permission_classes = [AdminOnly]
    error_responses = ALREADY_RESOLVED

    @extend_schema(request=None, responses={200: DeadLetterSerializer})
    def post(self, request: Request, pk: int) -> Response:
        letter = services.deadletter_discard(letter_id=pk, actor=request.user)
        return Response(DeadLetterSerializer(letter).data)


class SchemaView(SpectacularAPIView):
    """``/api/schema/``: the schema in YAML or JSON (``?format=json``); an error (401 without
    credentials) in JSON whatever was asked, like every other error of the API."""

    permission_classes = [ViewerReadsOperatorWrites]

    def handle_exception(self, exc: Exception) -> Response:
        response = super().handle_exception(exc)
        self.request.accepted_renderer = JSONRenderer()
        self.request.accepted_media_type = JSONRenderer.media_type
        return response
