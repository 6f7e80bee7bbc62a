"""The admin's "Import prospects" page (an upload that becomes an ImportJob) and the jobs,
read only: state, a progress bar, the counts and the first errors by line.

The page is linked from the prospect list (templates/admin/prospects/prospect/change_list.html).
The upload runs as a task like the API's (``prospects.services.import_jobs``) and may be up to
``JENGU_IMPORT_MAX_BYTES``, like the API's.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html, format_html_join
from django.views import View

from prospects.conf import KnobLimit
from prospects.models import ImportJob
from prospects.services.import_jobs import import_job_create

SHOWN_ERRORS = 50
JOB_FIELDS = ("name", "state", "progress_bar", "created", "updated", "duplicates", "hints",
              "error_count", "first_errors", "format", "source", "owner", "trigger", "run",
              "created_at", "started_at", "finished_at")  # fmt: skip


class ImportForm(forms.Form):
    file = forms.FileField(
        help_text="CSV (also Sales Navigator and Supabase exports), JSON Lines or a D1 .sql dump."
    )
    source = forms.CharField(
        max_length=64, required=False, help_text="Lead source for rows that name none."
    )


class ImportUploadView(View):
    """GET: the form; POST: store the file, queue the job, show the job's page."""

    max_body_bytes = KnobLimit("IMPORT_MAX_BYTES")
    model_admin: admin.ModelAdmin | None = None

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.has_perm("prospects.add_prospect"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._page(request, ImportForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        form = ImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self._page(request, form)
        data = form.cleaned_data
        job = import_job_create(
            upload=data["file"], source=data["source"], owner=request.user, via="admin"
        )
        messages.success(request, f"{job.name}: queued; this page follows its progress.")
        return HttpResponseRedirect(reverse("admin:prospects_importjob_change", args=[job.pk]))

    def _page(self, request: HttpRequest, form: ImportForm) -> HttpResponse:
        assert self.model_admin is not None
        context = {
            **self.model_admin.admin_site.each_context(request),
            "title": "Import prospects",
            "form": form,
            "opts": ImportJob._meta,
        }
        return TemplateResponse(request, "admin/prospects/importjob/upload.html", context)


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = ["id", "name", "state", "progress", "created", "updated", "duplicates",
                    "error_count", "owner", "created_at"]  # fmt: skip
    list_filter = ["state"]
    list_select_related = ["owner"]
    search_fields = ["name"]
    fields = JOB_FIELDS
    readonly_fields = JOB_FIELDS

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # the Import prospects page makes jobs

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_urls(self) -> list[URLPattern]:
        upload = ImportUploadView.as_view(model_admin=self)
        page = path(
            "upload/", self.admin_site.admin_view(upload), name="prospects_importjob_upload"
        )
        return [page, *super().get_urls()]

    @admin.display(description="rows")
    def progress(self, obj: ImportJob) -> str:
        return f"{obj.rows_done:,} / {obj.rows_total:,}"

    @admin.display(description="progress")
    def progress_bar(self, obj: ImportJob) -> str:
        share = obj.rows_done / obj.rows_total if obj.rows_total else float(obj.state == "done")
        return format_html(
            '<progress id="import-progress" value="{}" max="{}"></progress> {} of {} rows ({}%)',
            obj.rows_done, max(obj.rows_total, 1), f"{obj.rows_done:,}", f"{obj.rows_total:,}",
            round(100 * share),
        )  # fmt: skip

    @admin.display(description=f"first errors (up to {SHOWN_ERRORS}, by line)")
    def first_errors(self, obj: ImportJob) -> str:
        if not obj.errors:
            return "-"
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td></tr>",
            ((e["line"] or "file", e["detail"]) for e in obj.errors[:SHOWN_ERRORS]),
        )
        more = obj.error_count - min(len(obj.errors), SHOWN_ERRORS)
        tail = format_html("<p>and {} more</p>", more) if more > 0 else ""
        return format_html(
            '<table id="import-errors"><tr><th>line</th><th>error</th></tr>{}</table>{}', rows, tail
        )
