"""``POST /api/prospects/import`` (202, a job) and ``GET /api/prospects/import/{id}`` (its state).

The file is stored and imported by a task (``prospects.services.import_jobs``): the request
never holds a web worker for the length of an import. Uploads may be up to
``JENGU_IMPORT_MAX_BYTES`` (default 50 MB; ``core.ingress`` answers 413 above it); every other
request body keeps Django's 2.5 MB.
"""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.permissions import OperatorOnly, ViewerReadsOperatorWrites
from core.api.serializers import StrictSerializer
from core.roles import ADMIN, has_role
from prospects.conf import KnobLimit
from prospects.models import ImportJob
from prospects.services.import_jobs import import_job_create


def job_url(job: ImportJob) -> str:
    return f"/api/prospects/import/{job.pk}"


class ImportSerializer(StrictSerializer):
    # An empty file is an import of no rows: the schema's binary cannot say "not empty" in a
    # way its tools honour, so the API does not refuse one either.
    file = serializers.FileField(
        allow_empty_file=True, help_text="CSV, Sales Navigator CSV, JSON Lines or D1 SQL dump"
    )
    source = serializers.CharField(  # type: ignore[assignment]  # the form field's name
        max_length=64, required=False, allow_blank=True, default=""
    )


class ImportQueuedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.CharField()
    state = serializers.ChoiceField(choices=ImportJob.State.choices)


class RowErrorSerializer(serializers.Serializer):
    line = serializers.IntegerField(help_text="Physical line of the file; 0 = the whole file.")
    detail = serializers.CharField()


class ImportJobSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    errors = RowErrorSerializer(  # type: ignore[assignment]  # the contract's field name
        many=True, read_only=True
    )
    run = serializers.IntegerField(source="run_id", read_only=True, allow_null=True)

    class Meta:
        model = ImportJob
        fields = [
            "id", "url", "state", "rows_total", "rows_done", "created", "updated", "duplicates",
            "errors", "error_count", "hints", "name", "format", "source", "run",
            "created_at", "updated_at", "started_at", "finished_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_url(self, obj: ImportJob) -> str:
        return job_url(obj)


class ProspectImport(APIView):
    """``POST /api/prospects/import`` (multipart ``file``, optional ``source``): 202 at once."""

    permission_classes = [OperatorOnly]

    parser_classes = [MultiPartParser, FormParser]
    max_body_bytes = KnobLimit("IMPORT_MAX_BYTES")

    @extend_schema(
        request={"multipart/form-data": ImportSerializer},
        responses={202: ImportQueuedSerializer},
    )
    def post(self, request: Request) -> Response:
        incoming = ImportSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        job = import_job_create(
            upload=data["file"], source=data["source"], owner=request.user, via="api"
        )
        url = job_url(job)
        body = {"id": job.pk, "url": url, "state": job.state}
        return Response(body, status=status.HTTP_202_ACCEPTED, headers={"Location": url})


class ImportJobDetail(generics.RetrieveAPIView):
    """``GET /api/prospects/import/{id}``: the owner's or, for an admin, anyone's; else 404."""

    permission_classes = [ViewerReadsOperatorWrites]

    serializer_class = ImportJobSerializer

    def get_queryset(self) -> QuerySet[ImportJob]:
        jobs = ImportJob.objects.all()
        if has_role(self.request.user, ADMIN):
            return jobs
        return jobs.filter(owner_id=self.request.user.pk)
