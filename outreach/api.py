"""POST /api/send-email, POST /api/admin/trigger-send, GET /api/suppressions."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.permissions import IsStaff
from outreach import services
from outreach.models import STRATEGIES, Suppression


class SendEmailSerializer(serializers.Serializer):
    prospectId = serializers.IntegerField(min_value=1)
    contactId = serializers.IntegerField(min_value=1, required=False)
    strategy = serializers.ChoiceField(choices=[s for s, _ in STRATEGIES], required=False)


class SendEmail(APIView):
    """Queue a prospect's next email now (202). Sent by the next pass inside the send window."""

    @extend_schema(request=SendEmailSerializer, responses={202: dict})
    def post(self, request: Request) -> Response:
        data = SendEmailSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        email = services.send_email_request(
            prospect_id=data.validated_data["prospectId"],
            contact_id=data.validated_data.get("contactId"),
            strategy=data.validated_data.get("strategy"),
            actor=request.user,
        )
        return Response(
            {
                "id": email.pk,
                "status": email.status,
                "send_after": email.send_after,
                "recipient": email.recipient,
            },
            status=status.HTTP_202_ACCEPTED,
        )


class TriggerSendSerializer(serializers.Serializer):
    count = serializers.IntegerField(min_value=1, max_value=1000, required=False)


class TriggerSend(APIView):
    """Run one send pass in the request. Concurrent passes are safe (the ledger decides)."""

    permission_classes = [IsStaff]

    @extend_schema(request=TriggerSendSerializer, responses={200: dict})
    def post(self, request: Request) -> Response:
        data = TriggerSendSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        report = services.run_send_pass(count=data.validated_data.get("count"))
        return Response(report.as_dict())


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
        if reason := params.get("reason"):
            qs = qs.filter(reason=reason)
        return qs
