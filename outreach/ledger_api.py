"""GET /api/emails: the outbound ledger and inbound messages in one newest-first stream.

Keyset pagination over two tables: each page reads ``page_size + 1`` rows past the cursor from
each table and merges them, so page N costs the same as page 1.
"""

from __future__ import annotations

import base64
from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.dateparse import parse_datetime
from drf_spectacular.utils import (
    OpenApiParameter,
    PolymorphicProxySerializer,
    extend_schema,
    inline_serializer,
)
from rest_framework import serializers as s
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.filters import MAX_ID, choice_param, int_param
from core.api.pagination import CURSOR_PARAMETER, PAGE_SIZE_PARAMETER, page_size
from core.api.permissions import ViewerReadsOperatorWrites
from outreach.models import InboundMessage, OutboundEmail
from outreach.services.tracking import with_tracking_counts

RANK = {"outbound": 1, "inbound": 0}  # tie-break between rows created in the same microsecond
INBOUND_STATUS = "received"
STATUSES = [*OutboundEmail.Status.values, INBOUND_STATUS]


def outbound_row(e: OutboundEmail) -> dict[str, Any]:
    return {
        "id": e.pk,
        "direction": "outbound",
        "status": e.status,
        "prospect": e.prospect_id,
        "contact": e.contact_id,
        "inbox": e.inbox.key if e.inbox else None,
        "from": e.from_address,
        "to": e.recipient,
        "subject": e.subject,
        "body_text": e.body_text,
        "message_id": e.message_id,
        "in_reply_to": e.in_reply_to,
        "step": e.step,
        "strategy": e.strategy,
        "ai_provider": e.ai_provider,
        "ai_model": e.ai_model,
        "offline": e.offline,
        "attempts": e.attempts,
        "last_error": e.last_error,
        "bounce_reason": e.bounce_reason,
        "send_after": e.send_after,
        "sent_at": e.sent_at,
        "opens": getattr(e, "opens", 0),  # people's hits (README "Tracking")
        "clicks": getattr(e, "clicks", 0),
        "created_at": e.created_at,
    }


def inbound_row(m: InboundMessage) -> dict[str, Any]:
    return {
        "id": m.pk,
        "direction": "inbound",
        "status": INBOUND_STATUS,
        "kind": m.kind,
        "intent": m.intent,
        "confidence": m.confidence,
        "prospect": m.prospect_id,
        "contact": m.contact_id,
        "inbox": m.inbox.key if m.inbox else None,
        "from": m.from_address,
        "to": m.to_address,
        "subject": m.subject,
        "body_text": m.body_text[:2000],
        "message_id": m.message_id,
        "matched_outbound": m.matched_outbound_id,
        "match": m.match,
        "flags": m.flags,
        "bounce_reason": m.bounce_reason,
        "received_at": m.received_at,
        "created_at": m.created_at,
    }


# The answer's shape, for the schema (the rows are built above).
def _row(name: str, direction: str, **fields: s.Field) -> s.Serializer:
    common: dict[str, s.Field] = {
        "id": s.IntegerField(),
        "direction": s.ChoiceField(choices=[direction]),
        "prospect": s.IntegerField(allow_null=True),
        "contact": s.IntegerField(allow_null=True),
        "inbox": s.CharField(allow_null=True, help_text="The inbox key."),
        "from": s.CharField(),
        "to": s.CharField(),
        "subject": s.CharField(),
        "body_text": s.CharField(),
        "message_id": s.CharField(),
        "bounce_reason": s.CharField(),
        "created_at": s.DateTimeField(),
    }
    return inline_serializer(name, fields={**common, **fields})


EMAIL_ROW = PolymorphicProxySerializer(
    component_name="EmailRow",
    resource_type_field_name="direction",
    serializers={
        "outbound": _row(
            "OutboundRow",
            "outbound",
            status=s.ChoiceField(choices=OutboundEmail.Status.choices),
            in_reply_to=s.CharField(),
            step=s.IntegerField(),
            strategy=s.CharField(),
            ai_provider=s.CharField(),
            ai_model=s.CharField(),
            offline=s.BooleanField(),
            attempts=s.IntegerField(),
            last_error=s.CharField(),
            send_after=s.DateTimeField(),
            sent_at=s.DateTimeField(allow_null=True),
            opens=s.IntegerField(help_text="Opens counted as people's (tracked campaigns)."),
            clicks=s.IntegerField(help_text="Clicks counted as people's (tracked campaigns)."),
        ),
        "inbound": _row(
            "InboundRow",
            "inbound",
            status=s.ChoiceField(choices=[INBOUND_STATUS]),
            kind=s.ChoiceField(choices=InboundMessage.Kind.choices),
            intent=s.CharField(),
            confidence=s.FloatField(allow_null=True),
            matched_outbound=s.IntegerField(allow_null=True),
            match=s.CharField(),
            flags=s.JSONField(),
            received_at=s.DateTimeField(allow_null=True),
        ),
    },
)
EMAIL_PAGE = inline_serializer(
    "EmailPage",
    fields={
        "next": s.URLField(allow_null=True),
        "previous": s.URLField(allow_null=True),
        "results": s.ListField(child=EMAIL_ROW),
    },
)


def _encode(ts: datetime, direction: str, pk: int) -> str:
    return base64.urlsafe_b64encode(f"{ts.isoformat()}|{direction}|{pk}".encode()).decode()


def _decode(cursor: str) -> tuple[datetime, int, int]:
    try:
        ts_s, direction, pk = base64.urlsafe_b64decode(cursor.encode()).decode().split("|")
        ts = parse_datetime(ts_s)
        assert ts is not None
        return ts, RANK[direction], int(pk)
    except Exception:
        raise NotFound("Invalid cursor.") from None  # as DRF's cursor pagination answers


def _after(qs: QuerySet[Any], rank: int, cursor: tuple[datetime, int, int] | None) -> QuerySet[Any]:
    if cursor is None:
        return qs
    ts, crank, cid = cursor
    same_ts = Q(created_at=ts) & (Q(pk__lt=cid) if rank == crank else Q(pk__gte=0))
    if rank > crank:  # this table sorts before the cursor's at equal timestamps
        return qs.filter(created_at__lt=ts)
    return qs.filter(Q(created_at__lt=ts) | same_ts)


class EmailList(APIView):
    permission_classes = [ViewerReadsOperatorWrites]

    error_responses = {404: "A cursor that points to no page."}

    @extend_schema(
        parameters=[
            OpenApiParameter("prospect", {"type": "integer", "minimum": 1, "maximum": MAX_ID}),
            OpenApiParameter("status", enum=STATUSES),
            OpenApiParameter("direction", enum=list(RANK)),
            OpenApiParameter("cursor", str, description=CURSOR_PARAMETER["description"]),
            OpenApiParameter(
                "page_size",
                dict(PAGE_SIZE_PARAMETER["schema"]),
                description=PAGE_SIZE_PARAMETER["description"],
            ),
        ],
        responses={200: EMAIL_PAGE},
    )
    def get(self, request: Request) -> Response:
        direction = choice_param(request, "direction", list(RANK))
        status = choice_param(request, "status", STATUSES)
        prospect = int_param(request, "prospect", minimum=1, maximum=MAX_ID)
        size = page_size(request)
        cursor = (
            _decode(request.query_params["cursor"]) if request.query_params.get("cursor") else None
        )

        rows: list[tuple[tuple[datetime, int, int], dict[str, Any]]] = []
        if direction in (None, "outbound") and status != INBOUND_STATUS:
            qs = with_tracking_counts(OutboundEmail.objects.select_related("inbox"))
            qs = qs.filter(status=status) if status else qs
            qs = qs.filter(prospect_id=prospect) if prospect else qs
            for e in _after(qs, 1, cursor).order_by("-created_at", "-id")[: size + 1]:
                rows.append(((e.created_at, 1, e.pk), outbound_row(e)))
        if direction in (None, "inbound") and status in (None, INBOUND_STATUS):
            qs2 = InboundMessage.objects.select_related("inbox")
            qs2 = qs2.filter(prospect_id=prospect) if prospect else qs2
            for m in _after(qs2, 0, cursor).order_by("-created_at", "-id")[: size + 1]:
                rows.append(((m.created_at, 0, m.pk), inbound_row(m)))
        rows.sort(key=lambda r: r[0], reverse=True)
        page, more = rows[:size], len(rows) > size
        next_url = None
        if more:
            ts, rank, pk = page[-1][0]
            params = request.query_params.copy()
            params["cursor"] = _encode(ts, "outbound" if rank else "inbound", pk)
            next_url = request.build_absolute_uri(f"{request.path}?{params.urlencode()}")
        return Response({"next": next_url, "previous": None, "results": [r[1] for r in page]})
