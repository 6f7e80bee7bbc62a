"""GET /api/campaigns/{id}/variants: A/B results per step and variant, with the test."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.permissions import ViewerReadsOperatorWrites
from outreach.services.abresults import campaign_variants


class CampaignVariants(APIView):
    """Per step with variants: each variant's sent, replies, positive replies, meetings,
    bounces, unsubscribes, positive-reply rate with its 95% Wilson interval, and the Holm-adjusted
    p-value of the two-proportion z-test against the leader; ``winner`` once one is
    significantly better than all the others. Runs the campaign's auto-winner check."""

    permission_classes = [ViewerReadsOperatorWrites]
    error_responses = {404: "No such campaign."}

    @extend_schema(responses={200: dict})
    def get(self, request: Request, pk: int) -> Response:
        return Response(campaign_variants(campaign_id=int(pk), now=timezone.now()))
