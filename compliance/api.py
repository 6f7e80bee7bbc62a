"""``GET /api/suppressions``: why is this address suppressed?"""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet
from rest_framework import generics, serializers

from compliance.models import Suppression
from core.api.filters import StrictChoiceFilter
from core.api.permissions import ViewerReadsOperatorWrites


class SuppressionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Suppression
        fields = ["id", "email", "domain", "reason", "source", "detail", "created_by", "created_at"]


class SuppressionFilter(django_filters.FilterSet):
    email = django_filters.CharFilter(
        method="filter_email", label="The address, or any address of its domain."
    )
    domain = django_filters.CharFilter(lookup_expr="iexact")
    reason = StrictChoiceFilter(choices=Suppression.Reason.choices)

    def filter_email(
        self, qs: QuerySet[Suppression], name: str, email: str
    ) -> QuerySet[Suppression]:
        return qs.filter(Q(email__iexact=email) | Q(domain__iexact=email.rpartition("@")[2]))


class SuppressionList(generics.ListAPIView):
    """Why is this address suppressed? ``?email=`` matches the address or its domain."""

    permission_classes = [ViewerReadsOperatorWrites]

    serializer_class = SuppressionSerializer
    queryset = Suppression.objects.all()
    filterset_class = SuppressionFilter
