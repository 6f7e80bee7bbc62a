"""GET/POST /api/prospects (the seed's endpoints), plus detail and trigger-scrape (the import:
``prospects.import_api``)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.fields import NotBlankCharField, WebsiteField
from core.api.filters import StrictBooleanFilter, StrictChoiceFilter
from core.api.permissions import OperatorOnly, ViewerReadsOperatorWrites
from core.api.serializers import StrictSerializer
from prospects.models import Contact, Prospect
from prospects.normalize import email_problem
from prospects.pipeline.daily import scrape_now
from prospects.services import ProspectInput, prospect_create, prospect_search_q


class ContactSerializer(serializers.ModelSerializer):
    class Meta:
        model = Contact
        fields = [
            "id",
            "name",
            "title",
            "email",
            "verification",
            "is_role",
            "is_primary",
            "linkedin_url",
            "phone",
        ]


class ProspectSerializer(serializers.ModelSerializer):
    contacts = ContactSerializer(many=True, read_only=True)
    contact_email = serializers.SerializerMethodField()
    contact_name = serializers.SerializerMethodField()
    source = serializers.CharField(  # type: ignore[assignment]  # the seed's field name
        source="lead_source", read_only=True
    )
    # Plain strings: "" when unknown, and imports keep what their file said (no URI promise).
    website = serializers.CharField(read_only=True, help_text='http(s) URL; "" when unknown.')
    source_url = serializers.CharField(read_only=True, help_text='Where it was found; "" if not.')

    class Meta:
        model = Prospect
        fields = [
            "id",
            "name",
            "city",
            "country",
            "timezone",
            "website",
            "domain",
            "phone",
            "property_type",
            "stage",
            "tier",
            "score",
            "source",
            "lead_source",
            "source_url",
            "notes",
            "tags",
            "archived",
            "contact_email",
            "contact_name",
            "contacts",
            "created_at",
            "updated_at",
            "last_contacted_at",
            "replied_at",
        ]
        read_only_fields = fields

    def _primary(self, obj: Prospect) -> Contact | None:
        contacts = list(obj.contacts.all())
        return next((c for c in contacts if c.is_primary), contacts[0] if contacts else None)

    def get_contact_email(self, obj: Prospect) -> str:
        contact = self._primary(obj)
        return contact.email if contact else ""

    def get_contact_name(self, obj: Prospect) -> str:
        contact = self._primary(obj)
        return contact.name if contact else ""


@extend_schema_field(OpenApiTypes.EMAIL)
class AddressField(serializers.CharField):
    """An email address under Jengu's syntax rules (email-validator); a 400 gives its reason."""

    def to_internal_value(self, data: Any) -> str:
        value = str(super().to_internal_value(data))
        if value and (problem := email_problem(value)):
            raise serializers.ValidationError(problem)
        return value


class ProspectCreateSerializer(StrictSerializer):
    """The seed's fields (name, city, country, website, contact_email, contact_name, source)."""

    name = NotBlankCharField(max_length=255)
    city = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")
    country = serializers.CharField(max_length=80, required=False, allow_blank=True, default="")
    website = WebsiteField(required=False, default="")
    contact_email = AddressField(required=False, allow_blank=True, default="")
    contact_name = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default=""
    )
    contact_title = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default=""
    )
    source = serializers.CharField(  # type: ignore[assignment]  # the seed's field name
        max_length=64, required=False, allow_blank=True, default="api"
    )
    phone = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    property_type = serializers.ChoiceField(
        choices=Prospect.PropertyType.choices, required=False, allow_blank=True, default=""
    )
    notes = serializers.CharField(required=False, allow_blank=True, default="")
    tags = serializers.ListField(
        child=NotBlankCharField(max_length=64), required=False, default=list
    )

    def to_input(self) -> ProspectInput:
        data: dict[str, Any] = dict(self.validated_data)
        data["lead_source"] = data.pop("source")
        return ProspectInput(**data)


class ProspectFilter(django_filters.FilterSet):
    stage = StrictChoiceFilter(choices=Prospect.Stage.choices)
    tier = StrictChoiceFilter(choices=Prospect.Tier.choices)
    archived = StrictBooleanFilter()
    search = django_filters.CharFilter(
        method="filter_search", label="Name, city, domain or contact email."
    )

    def filter_search(self, qs: QuerySet[Prospect], name: str, term: str) -> QuerySet[Prospect]:
        return qs.filter(prospect_search_q(term))


class ProspectListCreate(generics.ListCreateAPIView):
    permission_classes = [ViewerReadsOperatorWrites]

    serializer_class = ProspectSerializer
    queryset = Prospect.objects.prefetch_related("contacts")
    filterset_class = ProspectFilter
    method_error_responses = {
        "POST": {409: "The contact address is suppressed as erased (GDPR): code `suppressed`."}
    }

    @extend_schema(
        request=ProspectCreateSerializer,
        responses={201: ProspectSerializer, 200: ProspectSerializer},
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        incoming = ProspectCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        result = prospect_create(data=incoming.to_input())
        body = dict(ProspectSerializer(result.prospect).data)
        body["duplicate"] = not result.created
        if not result.created:
            body["matched_by"] = result.matched_by
        return Response(
            body, status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK
        )


class ProspectDetail(generics.RetrieveAPIView):
    permission_classes = [ViewerReadsOperatorWrites]

    serializer_class = ProspectSerializer
    queryset = Prospect.objects.prefetch_related("contacts")


class TriggerScrape(APIView):
    """``POST /api/admin/trigger-scrape``: run the sourcing part now; answers with the run."""

    permission_classes = [OperatorOnly]

    @extend_schema(request=None, responses={200: dict})
    def post(self, request: Request) -> Response:
        run = scrape_now(trigger=f"api:{request.user}")
        return Response(
            {
                "id": run.pk,
                "runId": run.pk,
                "kind": run.kind,
                "status": run.status,
                "counts": run.counts.get("sourcing", {}),
                "errors": run.errors,
            }
        )
