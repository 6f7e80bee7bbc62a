"""The admin's "Approval queue": each draft beside the facts its writer was given; edit,
approve or reject one by one or in bulk. Any role reads the queue; deciding is the operator's
(``role_view``: checked before the form is read; CSRF on every POST); every decision goes
through ``outreach.services.approval``.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.views.decorators.http import require_POST

from core.admin_site import role_view
from core.errors import JenguError
from outreach.models import Campaign
from outreach.services import approval
from outreach.services.approval import DraftEdit, InvalidDraft

PAGE_SIZE = 50  # a morning's queue; the rest shows after these are decided
FACT_LABELS = {
    "prospect_name": "Property",
    "property_type": "Type",
    "city": "City",
    "country": "Country",
    "website": "Website",
    "contact_name": "Contact",
    "contact_title": "Title",
    "sender_name": "Signed by",
    "notes": "Notes",
}


def _facts(stored: dict[str, Any]) -> list[tuple[str, str]]:
    """The writer's inputs in reading order; the empty ones left out."""
    return [(label, str(stored[key])) for key, label in FACT_LABELS.items() if stored.get(key)]


def _campaign_filter(request: HttpRequest) -> int | None:
    value = request.GET.get("campaign", "") or request.POST.get("campaign", "")
    return int(value) if value.isdigit() else None


def _back(campaign: int | None) -> str:
    url = reverse("approvals:queue")
    return f"{url}?campaign={campaign}" if campaign else url


def queue(request: HttpRequest) -> HttpResponse:
    campaign = _campaign_filter(request)
    drafts = approval.awaiting_approval().select_related(
        "enrollment__campaign", "prospect", "contact"
    )
    if campaign:
        drafts = drafts.filter(enrollment__campaign_id=campaign)
    total = drafts.count()
    rows = [
        {"email": e, "facts": _facts(e.writer_facts)}
        for e in drafts.order_by("send_after", "pk")[:PAGE_SIZE]
    ]
    reviewing = Campaign.objects.filter(review_first_emails=True).order_by("name")
    context = {
        **admin.site.each_context(request),
        "title": "Approval queue",
        "rows": rows,
        "total": total,
        "campaigns": reviewing,
        "campaign": campaign,
        "page_size": PAGE_SIZE,
    }
    return TemplateResponse(request, "admin/outreach/approvals.html", context)


@require_POST
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    """One draft: save the edits, approve (with the edits) or reject (with a reason)."""
    action = request.POST.get("action", "")
    edit = DraftEdit(subject=request.POST.get("subject"), body=request.POST.get("body_text"))
    try:
        if action == "save":
            approval.approval_edit(email_id=pk, user=request.user, edit=edit)
            messages.success(request, f"Draft #{pk} saved; it still awaits approval.")
        elif action == "approve":
            result = approval.approval_approve(email_ids=[pk], user=request.user, edits={pk: edit})
            _report(request, result, "approved")
        elif action == "reject":
            reason = request.POST.get("reason", "")
            result = approval.approval_reject(email_ids=[pk], user=request.user, reason=reason)
            _report(request, result, "rejected")
        else:
            messages.error(request, "Unknown action.")
    except InvalidDraft as exc:
        problems = "; ".join(p for ps in exc.fields.values() for p in ps)
        messages.error(request, f"Draft #{pk} not changed: {problems}.")
    except JenguError as exc:
        messages.error(request, exc.message)
    return redirect(_back(_campaign_filter(request)))


@require_POST
def bulk(request: HttpRequest) -> HttpResponse:
    ids = [int(v) for v in request.POST.getlist("ids") if v.isdigit()]
    action = request.POST.get("action", "")
    if not ids:
        messages.warning(request, "Select at least one draft.")
    elif action == "approve":
        _report(request, approval.approval_approve(email_ids=ids, user=request.user), "approved")
    elif action == "reject":
        try:
            result = approval.approval_reject(
                email_ids=ids, user=request.user, reason=request.POST.get("reason", "")
            )
        except InvalidDraft:
            messages.error(request, "Give a reason to reject the selected drafts.")
        else:
            _report(request, result, "rejected")
    else:
        messages.error(request, "Unknown action.")
    return redirect(_back(_campaign_filter(request)))


def _report(request: HttpRequest, result: approval.Decision, verb: str) -> None:
    if result.done:
        ids = ", ".join(f"#{pk}" for pk in result.done)
        messages.success(request, f"{len(result.done)} draft(s) {verb}: {ids}.")
    for pk, reason in sorted(result.skipped.items()):
        messages.warning(request, f"Draft #{pk} not {verb}: {reason}.")


urlpatterns = [
    path("", role_view(queue), name="queue"),
    path("bulk/", role_view(bulk), name="bulk"),
    path("<int:pk>/", role_view(decide), name="decide"),
]
