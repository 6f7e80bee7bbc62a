"""The unified inbox under the API: GET /api/replies, GET|PATCH /api/replies/{id},
POST /api/replies/{id}/answer and /suggest. Reading is for any signed-in user; acting on a
reply (PATCH, answer, suggest) is the operator's (staff)."""

from __future__ import annotations

import re
from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.filters import MAX_ID, StrictBooleanFilter, StrictChoiceFilter
from core.api.permissions import OperatorOnly, ViewerReadsOperatorWrites
from core.api.serializers import StrictSerializer
from outreach.models import OutboundEmail, Reply
from outreach.services import replies, replies_answer
from outreach.services.replies_thread import reply_thread

_INTEGER = re.compile(r"[0-9]{1,19}")  # ASCII digits only (int() would take " 7" or "٣")


class ReplySerializer(serializers.ModelSerializer):
    inbox = serializers.SerializerMethodField()
    campaign = serializers.SerializerMethodField()
    prospect_name = serializers.SerializerMethodField()
    read = serializers.SerializerMethodField()
    needs_human = serializers.SerializerMethodField()
    classifier_intent = serializers.SerializerMethodField()

    class Meta:
        model = Reply
        fields = [
            "id", "message_id", "from_address", "to_address", "subject", "body_text",
            "received_at", "created_at", "intent", "classifier_intent", "confidence",
            "intent_corrected", "corrected_by", "corrected_at", "inbox", "campaign", "prospect",
            "prospect_name", "contact", "matched_outbound", "read", "read_at", "snoozed_until",
            "meeting_booked_at", "needs_human",
        ]  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.STR)
    def get_inbox(self, obj: Reply) -> str | None:
        return obj.inbox.key if obj.inbox else None

    @extend_schema_field({"type": "object", "nullable": True})
    def get_campaign(self, obj: Reply) -> dict[str, Any] | None:
        ours = obj.matched_outbound
        if ours is None:
            return None
        campaign = ours.enrollment.campaign
        return {"id": campaign.pk, "name": campaign.name}

    def get_prospect_name(self, obj: Reply) -> str:
        return obj.prospect.name if obj.prospect else ""

    def get_read(self, obj: Reply) -> bool:
        return obj.read_at is not None

    def get_needs_human(self, obj: Reply) -> bool:
        return obj.prospect_id is None or obj.intent in ("", *replies.NEEDS_HUMAN)

    def get_classifier_intent(self, obj: Reply) -> str:
        return str((obj.classification or {}).get("intent", ""))


class ReplyDetailSerializer(ReplySerializer):
    thread = serializers.SerializerMethodField()
    prospect_card = serializers.SerializerMethodField()

    class Meta(ReplySerializer.Meta):
        fields = [*ReplySerializer.Meta.fields, "thread", "prospect_card"]
        read_only_fields = fields

    @extend_schema_field({"type": "array", "items": {"type": "object"}})
    def get_thread(self, obj: Reply) -> list[dict[str, Any]]:
        return [entry.as_dict() for entry in reply_thread(obj)]

    @extend_schema_field({"type": "object", "nullable": True})
    def get_prospect_card(self, obj: Reply) -> dict[str, Any] | None:
        p = obj.prospect
        if p is None:
            return None
        return {
            "id": p.pk, "name": p.name, "city": p.city, "country": p.country,
            "website": p.website, "stage": p.stage, "tier": p.tier, "score": p.score,
            "contact": obj.contact.name if obj.contact else "",
            "contact_email": obj.contact.email if obj.contact else "",
        }  # fmt: skip


class ReplyFilter(django_filters.FilterSet):
    intent = StrictChoiceFilter(choices=[(i, i) for i in replies.INTENTS])
    inbox = django_filters.CharFilter(method="by_inbox", help_text="The inbox's key or id.")
    campaign = django_filters.CharFilter(method="by_campaign", help_text="The campaign's id.")
    unread = StrictBooleanFilter(method="by_unread", help_text="Unread and not snoozed now.")
    needs_human = StrictBooleanFilter(method="by_needs_human")

    @extend_schema_field(OpenApiTypes.STR)
    def by_inbox(self, qs: QuerySet[Reply], name: str, value: str) -> QuerySet[Reply]:
        """The key or the numeric id; an inbox that does not exist has no replies."""
        by_id = Q(inbox_id=int(value)) if _INTEGER.fullmatch(value) else Q(pk__in=[])
        return qs.filter(Q(inbox__key=value) | by_id)

    @extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_ID})
    def by_campaign(self, qs: QuerySet[Reply], name: str, value: str) -> QuerySet[Reply]:
        if not _INTEGER.fullmatch(value) or not 1 <= int(value) <= MAX_ID:
            raise ValidationError({"campaign": [f"'{value}' is not a campaign id."]})
        return qs.filter(matched_outbound__enrollment__campaign_id=int(value))

    @extend_schema_field(OpenApiTypes.BOOL)
    def by_unread(self, qs: QuerySet[Reply], name: str, value: bool | None) -> QuerySet[Reply]:
        if value is None:
            return qs
        if value:
            return qs.filter(read_at__isnull=True).exclude(snoozed_until__gt=timezone.now())
        return qs.filter(read_at__isnull=False)

    @extend_schema_field(OpenApiTypes.BOOL)
    def by_needs_human(self, qs: QuerySet[Reply], name: str, value: bool | None) -> QuerySet[Reply]:
        if value is None:
            return qs
        return qs.filter(replies.needs_human_q()) if value else qs.exclude(replies.needs_human_q())


class ReplyList(generics.ListAPIView):
    """Every human reply across all inboxes, newest first."""

    permission_classes = [ViewerReadsOperatorWrites]

    serializer_class = ReplySerializer
    filterset_class = ReplyFilter

    def get_queryset(self) -> QuerySet[Reply]:
        return replies.replies_queryset()


class LabelSerializer(serializers.ModelSerializer):
    """A corrected reply as a labelled example (``reply_labels``, ``export_reply_labels``)."""

    body = serializers.CharField(source="body_text")
    predicted = serializers.SerializerMethodField()

    class Meta:
        model = Reply
        fields = ["id", "message_id", "subject", "body", "headers", "intent", "predicted",
                  "confidence", "corrected_by", "corrected_at"]  # fmt: skip
        read_only_fields = fields

    def get_predicted(self, obj: Reply) -> str:
        return str((obj.classification or {}).get("intent", ""))


class ReplyLabels(generics.ListAPIView):
    """Replies whose intent an operator corrected: labelled data for the classifier's corpus."""

    permission_classes = [ViewerReadsOperatorWrites]

    serializer_class = LabelSerializer

    def get_queryset(self) -> QuerySet[Reply]:
        return Reply.objects.filter(intent_corrected=True)


class ReplyPatchSerializer(StrictSerializer):
    intent = serializers.ChoiceField(choices=replies.INTENTS, required=False)
    read = serializers.BooleanField(required=False)
    snoozed_until = serializers.DateTimeField(required=False, allow_null=True)
    meeting_booked = serializers.BooleanField(required=False)


class ReplyDetail(APIView):
    """A reply with its whole thread and the prospect's card; PATCH acts on it."""

    permission_classes = [ViewerReadsOperatorWrites]
    error_responses = {422: "A snooze time in the past (code `snooze_in_past`)."}

    @extend_schema(responses={200: ReplyDetailSerializer})
    def get(self, request: Request, pk: int) -> Response:
        return Response(ReplyDetailSerializer(replies.reply_get(int(pk))).data)

    @extend_schema(request=ReplyPatchSerializer, responses={200: ReplyDetailSerializer})
    def patch(self, request: Request, pk: int) -> Response:
        # The body is checked first, like every write here: a bad field is a 400 for any id.
        data = ReplyPatchSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        reply = replies.reply_get(int(pk))
        v, actor = data.validated_data, request.user
        if "intent" in v and v["intent"] != reply.intent:
            replies.reply_correct_intent(reply_id=reply.pk, intent=v["intent"], actor=actor)
        if "snoozed_until" in v:
            replies.reply_snooze(reply_id=reply.pk, until=v["snoozed_until"])
        if "read" in v:
            replies.reply_mark_read(reply_id=reply.pk, read=v["read"])
        if "meeting_booked" in v:
            replies.reply_mark_meeting_booked(
                reply_id=reply.pk, booked=v["meeting_booked"], actor=actor
            )
        return Response(ReplyDetailSerializer(replies.reply_get(reply.pk)).data)


class AnswerSerializer(StrictSerializer):
    body = serializers.CharField(max_length=20000)
    subject = serializers.RegexField(
        r"^[^\x00-\x1f\x7f\x85\u2028\u2029]*$",  # one header line: no line break of any kind
        max_length=300,
        required=False,
        allow_blank=True,
        help_text='Default: "Re: " and the reply\'s subject.',
    )


QUEUED_ANSWER = inline_serializer(
    "QueuedAnswer",
    fields={
        "id": serializers.IntegerField(),
        "status": serializers.ChoiceField(choices=OutboundEmail.Status.choices),
        "send_after": serializers.DateTimeField(),
        "recipient": serializers.CharField(),
        "from_address": serializers.CharField(),
        "subject": serializers.CharField(),
        "message_id": serializers.CharField(),
        "in_reply_to": serializers.CharField(),
        "references": serializers.CharField(),
    },
)


def queued(email: OutboundEmail) -> dict[str, Any]:
    fields = ["id", "status", "send_after", "recipient", "from_address", "subject", "message_id",
              "in_reply_to", "references"]  # fmt: skip
    return {name: getattr(email, "pk" if name == "id" else name) for name in fields}


class ReplyAnswer(APIView):
    """Answer from the inbox the prospect wrote to, threaded; sent right away (202)."""

    permission_classes = [OperatorOnly]
    error_responses = {
        409: "The address is suppressed (code `suppressed`).",
        422: "The reply is in no thread of ours, or came to no inbox of ours (`code` says which).",
    }

    @extend_schema(request=AnswerSerializer, responses={202: QUEUED_ANSWER})
    def post(self, request: Request, pk: int) -> Response:
        data = AnswerSerializer(data=request.data)  # the body first, as in every write here
        data.is_valid(raise_exception=True)
        replies.reply_get(int(pk))
        email = replies_answer.reply_answer(
            reply_id=int(pk),
            body=data.validated_data["body"],
            subject=data.validated_data.get("subject", ""),
            actor=request.user,
        )
        return Response(queued(email), status=status.HTTP_202_ACCEPTED)


class ReplySuggest(APIView):
    """An AI-suggested answer to start from (the offline templates without an AI key)."""

    permission_classes = [OperatorOnly]

    @extend_schema(
        request=None,
        responses={
            200: inline_serializer(
                "SuggestedAnswer",
                fields={
                    "subject": serializers.CharField(),
                    "body": serializers.CharField(),
                    "provider": serializers.CharField(),
                },
            )
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        draft = replies_answer.reply_suggest_answer(reply_id=int(pk))
        return Response({"subject": draft.subject, "body": draft.body, "provider": draft.provider})
