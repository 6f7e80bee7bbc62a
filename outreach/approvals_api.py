"""/api/approvals: the approval queue of first emails (``outreach.services.approval``).

Reading is for any signed-in user; deciding and editing are for staff (operators).
"""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Q
from drf_spectacular.utils import extend_schema, extend_schema_field, inline_serializer
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.fields import NotBlankCharField
from core.api.filters import MAX_ID
from core.api.permissions import OperatorOnly, ViewerReadsOperatorWrites
from core.api.serializers import StrictSerializer
from core.errors import NotFound
from outreach.models import OutboundEmail
from outreach.services import approval
from outreach.services.approval import DraftEdit, InvalidDraft


class ApprovalSerializer(serializers.ModelSerializer):
    campaign = serializers.IntegerField(source="enrollment.campaign_id", read_only=True)
    campaign_name = serializers.CharField(source="enrollment.campaign.name", read_only=True)
    prospect_name = serializers.CharField(source="prospect.name", read_only=True)
    facts = serializers.JSONField(
        source="writer_facts", read_only=True, help_text="What the writer was told."
    )

    class Meta:
        model = OutboundEmail
        fields = [
            "id",
            "status",
            "campaign",
            "campaign_name",
            "prospect",
            "prospect_name",
            "contact",
            "recipient",
            "step",
            "subject",
            "body_text",
            "strategy",
            "ai_provider",
            "ai_model",
            "offline",
            "facts",
            "send_after",
            "created_at",
            "reviewed_at",
            "review_note",
        ]
        read_only_fields = fields


class _PresentIntegerField(forms.IntegerField):
    def clean(self, value: Any) -> Any:
        if value == "":  # present but empty: a 400 like the other filters, not "no filter"
            raise forms.ValidationError("'' is not an integer.", code="invalid")
        return super().clean(value)


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_ID})
class IdFilter(django_filters.NumberFilter):
    """An id: a whole number (django-filter's NumberFilter takes decimals)."""

    field_class = _PresentIntegerField


class ApprovalFilter(django_filters.FilterSet):
    campaign = IdFilter(field_name="enrollment__campaign_id", min_value=1, max_value=MAX_ID)


def _queue() -> Any:
    return approval.awaiting_approval().select_related("enrollment__campaign", "prospect")


class ApprovalList(generics.ListAPIView):
    """The drafts awaiting approval, newest first; ``?campaign=`` narrows to one campaign."""

    permission_classes = [ViewerReadsOperatorWrites]

    serializer_class = ApprovalSerializer
    filterset_class = ApprovalFilter

    def get_queryset(self) -> Any:
        return _queue()


class EditSerializer(StrictSerializer):
    subject = NotBlankCharField(max_length=300, required=False)
    body_text = NotBlankCharField(required=False)


class ReasonSerializer(StrictSerializer):
    reason = NotBlankCharField(max_length=approval.REASON_MAX)


class IdsSerializer(StrictSerializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1), min_length=1, max_length=500
    )


class BulkRejectSerializer(IdsSerializer, ReasonSerializer):
    pass


def _edit(data: dict[str, Any]) -> DraftEdit:
    return DraftEdit(subject=data.get("subject"), body=data.get("body_text"))


def _valid(serializer: serializers.Serializer) -> dict[str, Any]:
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _invalid(exc: InvalidDraft) -> serializers.ValidationError:
    # body problems name the API's field
    return serializers.ValidationError(
        {("body_text" if k == "body" else k): v for k, v in exc.fields.items()}
    )


def _decided(result: approval.Decision, email_id: int) -> Response:
    """One email's decision: the email, or the reason it was not (404 / 409)."""
    if email_id in result.skipped:
        raise approval.not_awaiting_error(email_id)
    return Response(ApprovalSerializer(_detail(email_id)).data)


def _detail(email_id: int) -> OutboundEmail:
    return OutboundEmail.objects.select_related("enrollment__campaign", "prospect").get(pk=email_id)


NOT_AWAITING = {409: "The email is no longer awaiting approval (code `not_awaiting_approval`)."}


class ApprovalDetail(APIView):
    permission_classes = [ViewerReadsOperatorWrites]
    error_responses = NOT_AWAITING

    @extend_schema(responses={200: ApprovalSerializer})
    def get(self, request: Request, pk: int) -> Response:
        # Any email that is or was in the queue: awaiting, or decided by someone.
        queued = Q(status=OutboundEmail.Status.AWAITING_APPROVAL) | Q(reviewed_at__isnull=False)
        if not OutboundEmail.objects.filter(queued, pk=pk).exists():
            raise NotFound(f"no email {pk} in the approval queue", code="not_found")
        return Response(ApprovalSerializer(_detail(pk)).data)

    @extend_schema(request=EditSerializer, responses={200: ApprovalSerializer})
    def patch(self, request: Request, pk: int) -> Response:
        data = _valid(EditSerializer(data=request.data))
        try:
            approval.approval_edit(email_id=pk, user=request.user, edit=_edit(data))
        except InvalidDraft as exc:
            raise _invalid(exc) from None
        return Response(ApprovalSerializer(_detail(pk)).data)


class ApprovalApprove(APIView):
    """Approve one draft (optionally with a last edit of subject/body); a sender may claim it."""

    permission_classes = [OperatorOnly]
    error_responses = NOT_AWAITING

    @extend_schema(request=EditSerializer, responses={200: ApprovalSerializer})
    def post(self, request: Request, pk: int) -> Response:
        data = _valid(EditSerializer(data=request.data or {}))
        edits = {pk: _edit(data)} if data else None
        try:
            result = approval.approval_approve(email_ids=[pk], user=request.user, edits=edits)
        except InvalidDraft as exc:
            raise _invalid(exc) from None
        return _decided(result, pk)


class ApprovalReject(APIView):
    """Reject one draft with a reason: it is never sent and its enrollment stops."""

    permission_classes = [OperatorOnly]
    error_responses = NOT_AWAITING

    @extend_schema(request=ReasonSerializer, responses={200: ApprovalSerializer})
    def post(self, request: Request, pk: int) -> Response:
        data = _valid(ReasonSerializer(data=request.data))
        result = approval.approval_reject(email_ids=[pk], user=request.user, reason=data["reason"])
        return _decided(result, pk)


def _bulk_answer(verb: str) -> Any:
    return inline_serializer(
        f"Bulk{verb.title()}",
        fields={
            verb: serializers.ListField(child=serializers.IntegerField()),
            "skipped": serializers.ListField(
                child=inline_serializer(
                    f"Bulk{verb.title()}Skipped",
                    fields={"id": serializers.IntegerField(), "reason": serializers.CharField()},
                )
            ),
        },
    )


class ApprovalBulkApprove(APIView):
    """Approve many drafts; those no longer awaiting approval are listed under ``skipped``."""

    permission_classes = [OperatorOnly]

    @extend_schema(
        operation_id="approvals_bulk_approve",
        request=IdsSerializer,
        responses={200: _bulk_answer("approved")},
    )
    def post(self, request: Request) -> Response:
        data = _valid(IdsSerializer(data=request.data))
        result = approval.approval_approve(email_ids=data["ids"], user=request.user)
        return Response(result.as_dict("approved"))


class ApprovalBulkReject(APIView):
    """Reject many drafts with one reason; those no longer awaiting are under ``skipped``."""

    permission_classes = [OperatorOnly]

    @extend_schema(
        operation_id="approvals_bulk_reject",
        request=BulkRejectSerializer,
        responses={200: _bulk_answer("rejected")},
    )
    def post(self, request: Request) -> Response:
        data = _valid(BulkRejectSerializer(data=request.data))
        result = approval.approval_reject(
            email_ids=data["ids"], user=request.user, reason=data["reason"]
        )
        return Response(result.as_dict("rejected"))
