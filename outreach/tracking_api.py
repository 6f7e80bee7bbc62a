"""GET /api/campaigns/{id}/tracking: a campaign's opens and clicks, people and suspects apart."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers as s
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.permissions import ViewerReadsOperatorWrites
from core.errors import NotFound
from outreach.models import Campaign
from outreach.services.tracking import OPENS_LABEL, campaign_tracking


def _hits(name: str) -> s.Serializer:
    return inline_serializer(
        name,
        fields={
            "human": s.IntegerField(help_text="Hits counted as people's."),
            "suspect": s.IntegerField(
                help_text="Hits from known scanners and proxies, or within "
                "JENGU_TRACKING_SUSPECT_SECONDS of the send."
            ),
            "emails": s.IntegerField(help_text="Emails with at least one person's hit."),
        },
    )


TRACKING = inline_serializer(
    "CampaignTracking",
    fields={
        "campaign": s.IntegerField(),
        "track_opens": s.BooleanField(),
        "track_clicks": s.BooleanField(),
        "tracking_base_url": s.CharField(help_text="Where this campaign's /t/ links point."),
        "sent": s.IntegerField(),
        "sent_html": s.IntegerField(help_text="Sent with an HTML part: only those are tracked."),
        "opens": _hits("TrackingOpens"),
        "clicks": _hits("TrackingClicks"),
        "opens_note": s.CharField(default=OPENS_LABEL),
    },
)


class CampaignTracking(APIView):
    """Opens ("unreliable: Apple Mail Privacy Protection and scanners") and clicks of a
    campaign's emails, people's hits and suspect ones counted apart."""

    permission_classes = [ViewerReadsOperatorWrites]
    error_responses = {404: "No such campaign."}

    @extend_schema(responses={200: TRACKING})
    def get(self, request: Request, pk: int) -> Response:
        campaign = Campaign.objects.filter(pk=int(pk)).first()
        if campaign is None:
            raise NotFound(f"no campaign {pk}", code="campaign_not_found")
        return Response(campaign_tracking(campaign))
