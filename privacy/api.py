"""``GET /api/prospects/{id}/export`` (operators: everything held about a prospect) and
``POST /api/prospects/{id}/erase`` (admins: GDPR erasure, 200 with what was removed)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.permissions import AdminOnly, OperatorOnly
from privacy.export import export_prospect
from privacy.services import erase_prospect


class ProspectExport(APIView):
    """Right of access: the prospect, contacts, enrollments, emails both ways with their text,
    events, suppression state and audit entries, as a JSON attachment."""

    permission_classes = [OperatorOnly]
    renderer_classes = [JSONRenderer]  # a file, also from a browser (no browsable-API page)

    @extend_schema(responses={200: dict})
    def get(self, request: Request, pk: str) -> Response:
        body = export_prospect(int(pk))
        response = Response(body)
        response["Content-Disposition"] = f'attachment; filename="prospect-{pk}.json"'
        return response


class ProspectErase(APIView):
    """Right to erasure: runs at once; a salted hash of each address stays suppressed."""

    permission_classes = [AdminOnly]

    @extend_schema(request=None, responses={200: dict})
    def post(self, request: Request, pk: str) -> Response:
        counts = erase_prospect(int(pk), actor=request.user)
        return Response({"id": int(pk), "erased": True, "removed": counts})
