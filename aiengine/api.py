"""``GET /api/status/rate-limits``: what each provider and vendor may still do, and the budget."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from aiengine.services.usage import rate_limit_status
from core.api.permissions import ViewerReadsOperatorWrites


class RateLimitStatus(APIView):
    """This minute's and today's usage against the limits, backoffs, and the daily AI budget.

    A limit of ``null`` means that dimension is not limited. ``backoff_until`` is null unless
    the provider is backing off after a 429 right now.
    """

    permission_classes = [ViewerReadsOperatorWrites]

    @extend_schema(responses={200: OpenApiResponse(dict, description="providers and budget")})
    def get(self, request: Request) -> Response:
        return Response(rate_limit_status())
