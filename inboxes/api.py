"""Inbox status and operator endpoints (the seed's /api/status/* and /api/admin/*)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.fields import KeyOrIdField
from core.api.permissions import AdminOnly, OperatorOnly, ViewerReadsOperatorWrites
from core.api.serializers import StrictSerializer
from inboxes import services
from inboxes.models import Inbox, InboxDay
from inboxes.services.placement_check import placement_latest, placement_tested


def _shape(name: str, **fields: serializers.Field) -> serializers.Serializer:
    """An answer's shape, for the schema."""
    return inline_serializer(name, fields=fields)


def _inbox_fields() -> dict[str, serializers.Field]:
    return {
        "inboxId": serializers.CharField(help_text="The inbox key."),
        "id": serializers.IntegerField(),
        "address": serializers.CharField(),
        "provider": serializers.ChoiceField(choices=Inbox.Provider.choices),
        "status": serializers.ChoiceField(choices=Inbox.Status.choices),
    }


_COUNTS = ("limit", "reserved", "sent", "remaining")
WARMUP = _shape(
    "WarmupStatus",
    inboxes=serializers.ListField(
        child=_shape(
            "WarmupRow",
            **_inbox_fields(),
            week=serializers.IntegerField(),
            day=serializers.IntegerField(),
            date=serializers.DateField(),
            timezone=serializers.CharField(),
            **{name: serializers.IntegerField() for name in _COUNTS},
            resets_at=serializers.DateTimeField(),
        )
    ),
    totals=_shape(
        "WarmupTotals",
        **{name: serializers.IntegerField() for name in (*_COUNTS, "inboxes", "active")},
    ),
)
_CHECK = _shape(
    "PreflightCheck",
    result=serializers.ChoiceField(choices=["pass", "warn", "fail", "not_checked"]),
    reason=serializers.CharField(),
)
PREFLIGHT = _shape(
    "InboxPreflight",
    checked_at=serializers.DateTimeField(allow_null=True),
    **{key: _CHECK for key in ("mx", "spf", "dkim", "dmarc", "rdns")},
    mode=serializers.ChoiceField(choices=["warn", "enforce", "off"]),
    blocking=serializers.BooleanField(help_text="SPF or DMARC alignment fails."),
    overridden=serializers.BooleanField(),
    sending_held=serializers.BooleanField(help_text="Enforce mode holds its sends."),
)
HEALTH = _shape(
    "InboxHealthList",
    inboxes=serializers.ListField(
        child=_shape(
            "InboxHealth",
            **_inbox_fields(),
            pause_reason=serializers.CharField(),
            paused_at=serializers.DateTimeField(allow_null=True),
            circuit=serializers.ChoiceField(choices=Inbox.Circuit.choices),
            consecutive_failures=serializers.IntegerField(),
            bounce_rate=serializers.FloatField(),
            bounce_sample=serializers.IntegerField(),
            complaint_rate=serializers.FloatField(),
            last_error=serializers.CharField(),
            last_error_at=serializers.DateTimeField(allow_null=True),
            last_success_at=serializers.DateTimeField(allow_null=True),
            last_checked_at=serializers.DateTimeField(allow_null=True),
            placement=_shape(
                "InboxPlacement",
                run=serializers.IntegerField(allow_null=True),
                checked_at=serializers.DateTimeField(allow_null=True),
                **{k: serializers.IntegerField() for k in ("inbox", "spam", "missing")},
                rate=serializers.FloatField(allow_null=True),
            ),
            preflight=PREFLIGHT,
        )
    ),
)
CHANGE = _shape(
    "InboxChange",
    inboxId=serializers.CharField(),
    status=serializers.ChoiceField(choices=Inbox.Status.choices),
    changed=serializers.BooleanField(),
)
REGISTRY = _shape(
    "InboxRegistryReport",
    **{
        name: serializers.ListField(child=serializers.CharField())
        for name in ("created", "updated", "disabled", "unchanged", "errors", "preflight")
    },
)


def todays(inboxes: list[Inbox], now: Any) -> dict[Any, InboxDay]:
    """(inbox id, its local today) -> its InboxDay row, for every inbox in one query."""
    wanted = {(i.pk, services.local_date(i, now)) for i in inboxes}
    found = InboxDay.objects.filter(
        inbox_id__in={pk for pk, _ in wanted}, date__in={day for _, day in wanted}
    )
    return {(row.inbox_id, row.date): row for row in found if (row.inbox_id, row.date) in wanted}


def warmup_row(inbox: Inbox, now: Any, days: dict[Any, InboxDay] | None = None) -> dict[str, Any]:
    day = services.local_date(inbox, now)
    if days is None:
        row = InboxDay.objects.filter(inbox=inbox, date=day).first()
    else:
        row = days.get((inbox.pk, day))
    limit = services.warmup_limit(inbox, day) if inbox.status == Inbox.Status.ACTIVE else 0
    reserved, sent = (row.reserved, row.sent) if row else (0, 0)
    return {
        "inboxId": inbox.key,
        "id": inbox.pk,
        "address": inbox.address,
        "provider": inbox.provider,
        "status": inbox.status,
        "week": services.warmup_week(inbox, day),
        "day": (day - (inbox.warmup_start or day)).days + 1,
        "date": day.isoformat(),
        "timezone": inbox.timezone,
        "limit": limit,
        "reserved": reserved,
        "sent": sent,
        "remaining": max(0, limit - reserved - sent),
        "resets_at": services.next_reset(inbox, now).isoformat(),
    }


class WarmupStatus(APIView):
    """Per inbox: warmup week and day, today's limit, reserved, sent, remaining, reset time."""

    permission_classes = [ViewerReadsOperatorWrites]

    @extend_schema(responses={200: WARMUP})
    def get(self, request: Request) -> Response:
        now = timezone.now()
        inboxes = list(Inbox.objects.exclude(status=Inbox.Status.DISABLED))
        days = todays(inboxes, now)  # one query, not one per inbox
        rows = [warmup_row(i, now, days) for i in inboxes]
        totals = {k: sum(r[k] for r in rows) for k in ("limit", "reserved", "sent", "remaining")}
        totals["inboxes"] = len(rows)
        totals["active"] = sum(r["status"] == Inbox.Status.ACTIVE for r in rows)
        return Response({"inboxes": rows, "totals": totals})


def health_row(
    inbox: Inbox, preflight: dict[int, Any] | None = None, tested: set[int] | None = None
) -> dict[str, Any]:
    return {
        "inboxId": inbox.key,
        "id": inbox.pk,
        "address": inbox.address,
        "provider": inbox.provider,
        "status": inbox.status,
        "pause_reason": inbox.pause_reason,
        "paused_at": inbox.paused_at,
        "circuit": inbox.circuit,
        "consecutive_failures": inbox.consecutive_failures,
        "bounce_rate": round(inbox.bounce_rate, 4),
        "bounce_sample": inbox.bounce_sample,
        "complaint_rate": round(inbox.complaint_rate, 5),
        # Complaints are counted against the same sends as bounces (the rolling window).
        "complaint_sample": inbox.bounce_sample,
        "last_error": inbox.last_error,
        "last_error_at": inbox.last_error_at,
        "last_success_at": inbox.last_success_at,
        "last_checked_at": inbox.last_checked_at,
        # The latest inbox-placement test: README "Inbox-placement tests".
        "placement": placement_latest(inbox, tested),
        "preflight": services.preflight_payload(inbox, preflight),
    }


class InboxStatus(APIView):
    permission_classes = [ViewerReadsOperatorWrites]

    @extend_schema(responses={200: HEALTH})
    def get(self, request: Request) -> Response:
        # One query each for every inbox's preflight row and for which inboxes were ever
        # placement-tested, not one per inbox.
        preflight, tested = services.preflight_rows(), placement_tested()
        rows = [health_row(i, preflight, tested) for i in Inbox.objects.all()]
        return Response({"inboxes": rows})


class PauseSerializer(StrictSerializer):
    inboxId = KeyOrIdField()
    reason = serializers.CharField(
        max_length=300, required=False, allow_blank=True, default="paused by operator"
    )


class ResumeSerializer(StrictSerializer):
    inboxId = KeyOrIdField()


UNKNOWN_INBOX = {404: "No inbox with this key or id (code `inbox_not_found`)."}


class PauseInbox(APIView):
    permission_classes = [OperatorOnly]
    error_responses = UNKNOWN_INBOX

    @extend_schema(request=PauseSerializer, responses={200: CHANGE})
    def post(self, request: Request) -> Response:
        data = PauseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        inbox = services.get_inbox(data.validated_data["inboxId"])
        changed = services.inbox_pause(
            inbox=inbox, reason=data.validated_data["reason"], actor=request.user
        )
        return Response({"inboxId": inbox.key, "status": inbox.status, "changed": changed})


class ResumeInbox(APIView):
    permission_classes = [OperatorOnly]
    error_responses = UNKNOWN_INBOX

    @extend_schema(request=ResumeSerializer, responses={200: CHANGE})
    def post(self, request: Request) -> Response:
        data = ResumeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        inbox = services.get_inbox(data.validated_data["inboxId"])
        changed = services.inbox_resume(inbox=inbox, actor=request.user)
        return Response({"inboxId": inbox.key, "status": inbox.status, "changed": changed})


class InitializeInboxes(APIView):
    permission_classes = [AdminOnly]

    @extend_schema(request=None, responses={200: REGISTRY})
    def post(self, request: Request) -> Response:
        report = services.initialize_inboxes(actor=request.user)
        return Response(report.as_dict())


class PreflightSerializer(StrictSerializer):
    inboxId = KeyOrIdField()
    override = serializers.BooleanField(
        required=False,
        help_text="true: send despite a failing SPF/DMARC (enforce mode), kept in the audit "
        "log; false: withdraw that. Absent: run the DNS preflight now.",
    )


PREFLIGHT_ANSWER = _shape(
    "InboxPreflightAnswer",
    inboxId=serializers.CharField(),
    changed=serializers.BooleanField(),
    preflight=PREFLIGHT,
)


class InboxPreflightView(APIView):
    """Run an inbox's DNS preflight now, or set the operator's override."""

    permission_classes = [OperatorOnly]
    error_responses = UNKNOWN_INBOX

    @extend_schema(request=PreflightSerializer, responses={200: PREFLIGHT_ANSWER})
    def post(self, request: Request) -> Response:
        data = PreflightSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        inbox = services.get_inbox(data.validated_data["inboxId"])
        if "override" in data.validated_data:
            changed = services.preflight_override(
                inbox=inbox, active=data.validated_data["override"], actor=request.user
            )
        else:
            changed = services.preflight_run(inbox=inbox, actor=request.user) is not None
        payload = services.preflight_payload(inbox)
        return Response({"inboxId": inbox.key, "changed": changed, "preflight": payload})
