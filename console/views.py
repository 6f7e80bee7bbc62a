"""Admin-side views: the dashboard, the emergency stop, inbox pause/resume, dead-letter
decisions (each behind a confirm page) and the forecast. Signed in with a role (core.roles,
``role_view``: the role is checked before the form is read; CSRF on every POST), except the
favicon: the emergency stop and dead-letter decisions are the admin role's, inbox pause and
resume the operator's, the dashboard and the forecast anyone's."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import admin, messages
from django.contrib.staticfiles import finders
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_http_methods, require_POST

from console.dashboard import dashboard_context
from console.dashboard.deadletters import DECISIONS, allowed, letter_view
from console.dashboard.svg import Column, column_chart
from console.forecast import MAX_N, forecast
from console.snapshot import snapshot
from core import services
from core.admin_site import role_view
from core.errors import JenguError
from core.models import DeadLetter
from core.roles import ADMIN
from inboxes import services as inbox_services
from inboxes.models import Inbox
from outreach.services import resolve_delivery_unknown

CONFIRM_TEMPLATE = "admin/jengu/confirm.html"


def _page(request: HttpRequest, template: str, title: str, **context: Any) -> TemplateResponse:
    return TemplateResponse(
        request, template, {**admin.site.each_context(request), "title": title, **context}
    )


@cache_control(max_age=86400, public=True)
def favicon(request: HttpRequest) -> FileResponse:
    """/favicon.ico, which browsers fetch on every page whatever the HTML says (public)."""
    found = finders.find("jengu/favicon.ico")
    if not found:
        raise Http404("no favicon")
    return FileResponse(open(str(found), "rb"), content_type="image/x-icon")


def dashboard(request: HttpRequest) -> HttpResponse:
    """The admin index, with the dashboard above the list of models."""
    return admin.site.index(request, extra_context={"dashboard": dashboard_context()})


# --- emergency stop -------------------------------------------------------------------------
def _confirm_stop(request: HttpRequest) -> TemplateResponse:
    return _page(
        request,
        CONFIRM_TEMPLATE,
        "Stop all sending?",
        question="Turn the emergency stop ON?",
        explanation="Every inbox stops at its next claim: nothing is sent until someone turns "
        "it off again. Emails being sent this second finish.",
        fields={"active": "on", "confirmed": "yes"},
        reason_field=True,
        confirm_label="Yes, stop all sending",
        danger=True,
        cancel_url=reverse("admin:index"),
    )


@require_http_methods(["GET", "POST"])
def emergency_stop(request: HttpRequest) -> HttpResponse:
    """Turning it off is one click; turning it on (halting all sending) asks first."""
    data = request.POST if request.method == "POST" else request.GET
    turn_on = data.get("active") == "on"
    if request.method == "GET" or (turn_on and data.get("confirmed") != "yes"):
        return _confirm_stop(request) if turn_on else redirect("admin:index")
    reason = data.get("reason", "").strip()[:300] or "admin dashboard"
    services.emergency_stop_set(active=turn_on, actor=request.user, reason=reason)
    if turn_on:
        messages.warning(request, "Emergency stop is ON: no email will be sent.")
    else:
        messages.success(request, "Emergency stop released: sending resumes.")
    return redirect("admin:index")


# --- inboxes --------------------------------------------------------------------------------
@require_POST
def inbox_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    inbox = get_object_or_404(Inbox, pk=pk)
    if action == "pause":
        reason = request.POST.get("reason", "").strip()[:300] or "paused in the admin"
        changed = inbox_services.inbox_pause(inbox=inbox, reason=reason, actor=request.user)
        note = f"Inbox {inbox.key} paused." if changed else f"Inbox {inbox.key} was not active."
    elif action == "resume":
        changed = inbox_services.inbox_resume(inbox=inbox, actor=request.user)
        note = f"Inbox {inbox.key} resumed." if changed else f"Inbox {inbox.key} was not paused."
    else:
        raise Http404("unknown inbox action")
    messages.add_message(request, messages.SUCCESS if changed else messages.INFO, note)
    return redirect("admin:inboxes_inbox_change", inbox.pk)


# --- dead letters ---------------------------------------------------------------------------
def _decide(letter: DeadLetter, action: str, user: Any) -> None:
    if action == "replay":
        services.deadletter_replay(letter_id=letter.pk, actor=user)
    elif action == "discard":
        services.deadletter_discard(letter_id=letter.pk, actor=user)
    else:
        resolve_delivery_unknown(
            letter_id=letter.pk, assume_delivered=action == "assume_delivered", actor=user
        )


@require_http_methods(["GET", "POST"])
def deadletter_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    letter = get_object_or_404(DeadLetter, pk=pk)
    decision = DECISIONS.get(action)
    back = reverse("admin:jengu_deadletter_changelist")
    if decision is None or not allowed(letter, action):
        messages.error(request, f"{letter} cannot be {action.replace('_', ' ')} now.")
        return redirect(back)
    if request.method == "POST" and request.POST.get("confirmed") == "yes":
        try:
            _decide(letter, action, request.user)
        except JenguError as exc:
            messages.error(request, f"{letter}: {exc.message}")
        else:
            messages.success(request, f"{letter}: {decision.label.lower()} done.")
        return redirect(back)
    return _page(
        request,
        CONFIRM_TEMPLATE,
        f"{decision.label}: {letter}?",
        question=f"{decision.label} dead letter #{letter.pk}?",
        explanation=decision.help,
        fields={"confirmed": "yes"},
        confirm_label=f"Yes, {decision.label.lower()}",
        danger=decision.danger,
        cancel_url=back,
        letter=letter,
        view_letter=letter_view(letter),
    )


# --- forecast -------------------------------------------------------------------------------
def _requested_n(request: HttpRequest) -> int | None:
    value = request.GET.get("n", "").strip()
    return min(int(value), MAX_N) if value.isdigit() else None


def forecast_page(request: HttpRequest) -> HttpResponse:
    n = _requested_n(request)
    plan = snapshot("forecast") if n is None else forecast(n=n)  # console.snapshot
    columns = [
        Column(day["date"][5:], day["planned"], "",
               f"{day['date']} ({day['weekday']}): {day['planned']} of {day['capacity']} slots")
        for day in plan["days"]
    ]  # fmt: skip
    chart = column_chart(columns, f"First emails planned per day for {plan['n']} prospects")
    return _page(request, "admin/jengu/forecast.html", "Forecast", plan=plan, chart=chart)


def _admins(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    return role_view(view, read=ADMIN, write=ADMIN)


urlpatterns = [
    path("emergency-stop/", _admins(emergency_stop), name="emergency-stop"),
    path("inboxes/<int:pk>/<slug:action>/", role_view(inbox_action), name="inbox-action"),
    path("dead-letters/<int:pk>/<slug:action>/", _admins(deadletter_action), name="dead-letter"),
    path("forecast/", role_view(forecast_page), name="forecast"),
]
