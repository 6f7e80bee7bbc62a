"""POST /api/send-email, POST /api/admin/trigger-send, GET /api/status/domain-caps."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.permissions import OperatorOnly, ViewerReadsOperatorWrites
from core.api.serializers import StrictSerializer
from outreach import services
from outreach.models import STRATEGIES, OutboundEmail
from outreach.services.domaincaps import usage_today

QUEUED = inline_serializer(
    "QueuedEmail",
    fields={
        "id": serializers.IntegerField(),
        "status": serializers.ChoiceField(choices=OutboundEmail.Status.choices),
        "send_after": serializers.DateTimeField(
            help_text="The earliest moment a send pass may take it."
        ),
        "reason": serializers.CharField(
            help_text="Why it waits until then (a step's delay, the recipient's send window, "
            "a public holiday in their country, a blackout date), or that it is due now."
        ),
        "recipient": serializers.CharField(),
    },
)
PASS_REPORT = inline_serializer(
    "SendPassReport",
    fields={
        "sent": serializers.IntegerField(),
        "failed": serializers.IntegerField(),
        "outcomes": serializers.DictField(child=serializers.IntegerField()),
        "skipped": serializers.ListField(
            child=inline_serializer(
                "SkippedEmail",
                fields={"id": serializers.IntegerField(), "reason": serializers.CharField()},
            )
        ),
    },
)


class SendEmailSerializer(StrictSerializer):
    prospectId = serializers.IntegerField(min_value=1)
    contactId = serializers.IntegerField(min_value=1, required=False)
    strategy = serializers.ChoiceField(choices=[s for s, _ in STRATEGIES], required=False)


class SendEmail(APIView):
    """Queue a prospect's next email (202): ``send_after`` says when a send pass may take it
    (its step's delay, the recipient's send window, holidays and blackout days), ``reason`` why."""

    permission_classes = [OperatorOnly]

    error_responses = {
        404: "No such prospect, or no such contact of it.",
        409: "The address is suppressed, an email to it is in flight, its sequence is "
        "finished, or its next step is not due yet (`code` says which).",
        422: "The prospect has no contact email, or the send policy does not allow its "
        "verification status.",
        429: "The warmup limit of every usable inbox is reached for today, or too many requests.",
    }

    @extend_schema(request=SendEmailSerializer, responses={202: QUEUED})
    def post(self, request: Request) -> Response:
        data = SendEmailSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        queued = services.send_email_request(
            prospect_id=data.validated_data["prospectId"],
            contact_id=data.validated_data.get("contactId"),
            strategy=data.validated_data.get("strategy"),
            actor=request.user,
        )
        return Response(
            {
                "id": queued.email.pk,
                "status": queued.email.status,
                "send_after": queued.send_after,
                "reason": queued.reason,
                "recipient": queued.email.recipient,
            },
            status=status.HTTP_202_ACCEPTED,
        )


class TriggerSendSerializer(StrictSerializer):
    count = serializers.IntegerField(min_value=1, max_value=1000, required=False)


class TriggerSend(APIView):
    """Run one send pass in the request. Concurrent passes are safe (the ledger decides)."""

    permission_classes = [OperatorOnly]

    @extend_schema(request=TriggerSendSerializer, responses={200: PASS_REPORT})
    def post(self, request: Request) -> Response:
        data = TriggerSendSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        report = services.run_send_pass(count=data.validated_data.get("count"))
        return Response(report.as_dict())


class DomainCapStatus(APIView):
    """Today's (UTC) sends per recipient domain and per mailbox provider, with their caps
    (``cap`` null = none; a campaign may set its own domain cap)."""

    permission_classes = [ViewerReadsOperatorWrites]

    @extend_schema(responses={200: dict})
    def get(self, request: Request) -> Response:
        return Response(usage_today(now=timezone.now()))
