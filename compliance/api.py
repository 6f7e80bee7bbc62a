"""``GET /api/suppressions``: why is this address suppressed?"""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet
from rest_framework import generics, serializers

from compliance import hashing
from compliance.models import Suppression
from compliance.services import suppression_find_q
from core.api.filters import StrictChoiceFilter
from core.api.permissions import ViewerReadsOperatorWrites


class SuppressionSerializer(serializers.ModelSerializer):
    erased = serializers.BooleanField(source="is_hashed", read_only=True)

    class Meta:
        model = Suppression
        fields = [
            "id", "email", "domain", "erased", "email_hash", "domain_hash", "reason", "source",
            "detail", "created_by", "created_at",
        ]  # fmt: skip


class SuppressionFilter(django_filters.FilterSet):
    email = django_filters.CharFilter(
        method="filter_email", label="The address, or any address of its domain."
    )
    domain = django_filters.CharFilter(method="filter_domain")
    reason = StrictChoiceFilter(choices=Suppression.Reason.choices)

    def filter_email(
        self, qs: QuerySet[Suppression], name: str, email: str
    ) -> QuerySet[Suppression]:
        """The address's own row, its domain's, or its hashed entry (an erased person)."""
        return qs.filter(suppression_find_q(email))

    def filter_domain(
        self, qs: QuerySet[Suppression], name: str, domain: str
    ) -> QuerySet[Suppression]:
        match = Q(domain__iexact=domain.strip().lstrip("@"))
        if (salt := hashing.existing_salt()) is not None:
            match |= Q(domain_hash=hashing.digest(domain.lstrip("@"), with_salt=salt))
        return qs.filter(match)


class SuppressionList(generics.ListAPIView):
    """Why is this address suppressed? ``?email=`` matches the address or its domain."""

    permission_classes = [ViewerReadsOperatorWrites]

    serializer_class = SuppressionSerializer
    queryset = Suppression.objects.all()
    filterset_class = SuppressionFilter
