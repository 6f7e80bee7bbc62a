"""``GET /api/suppressions``: why is this address suppressed?"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers

from compliance.models import Suppression
from core.api.filters import choice_param


class SuppressionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Suppression
        fields = ["id", "email", "domain", "reason", "source", "detail", "created_by", "created_at"]


@extend_schema(
    parameters=[
        OpenApiParameter("email", str),
        OpenApiParameter("domain", str),
        OpenApiParameter("reason", enum=Suppression.Reason.values),
    ]
)
class SuppressionList(generics.ListAPIView):
    """Why is this address suppressed? ``?email=`` matches the address or its domain."""

    serializer_class = SuppressionSerializer

    def get_queryset(self) -> QuerySet[Suppression]:
        qs = Suppression.objects.all()
        params = self.request.query_params
        if email := params.get("email", "").strip().lower():
            qs = qs.filter(Q(email__iexact=email) | Q(domain__iexact=email.rpartition("@")[2]))
        if domain := params.get("domain", "").strip().lower():
            qs = qs.filter(domain__iexact=domain)
        if reason := choice_param(self.request, "reason", Suppression.Reason.values):
            qs = qs.filter(reason=reason)
        return qs
