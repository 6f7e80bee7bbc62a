"""The DNS preflight on the inbox admin: a list badge, a block on the change page, and the
actions "Run DNS preflight" and the enforce-mode override. Self-contained: InboxAdmin lists
these callables; the services do the work."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join

from inboxes import services
from inboxes.models import Inbox

_ORDER = ("fail", "warn", "pass", "not_checked")
_COLOURS = {"pass": "#1e7e34", "warn": "#b8860b", "fail": "#c0392b", "not_checked": "#777"}


def _badge(outcome: str, text: str) -> str:
    return format_html(
        '<span class="preflight-badge is-{}" style="color:{};font-weight:600">{}</span>',
        outcome,
        _COLOURS.get(outcome, "#777"),
        text,
    )


def preflight_badge(inbox: Inbox) -> str:
    """The worst result of the last check, e.g. "fail: spf, dmarc"."""
    data = services.preflight_payload(inbox)
    results = {k: data[k]["result"] for k in ("mx", "spf", "dkim", "dmarc", "rdns")}
    worst = min(results.values(), key=_ORDER.index)
    names = [k for k, v in results.items() if v == worst]
    text = "not checked" if worst == "not_checked" else f"{worst}: {', '.join(names)}"
    if data["sending_held"]:
        text += " (sending held)"
    return _badge(worst, text)


def preflight_details(inbox: Inbox) -> str:
    if inbox.pk is None:
        return "Checked after the first save."
    data = services.preflight_payload(inbox)
    rows = format_html_join(
        "",
        "<tr><th>{}</th><td>{}</td><td>{}</td></tr>",
        (
            (key.upper(), _badge(data[key]["result"], data[key]["result"]), data[key]["reason"])
            for key in ("mx", "spf", "dkim", "dmarc", "rdns")
        ),
    )
    checked = data["checked_at"].strftime("%Y-%m-%d %H:%M UTC") if data["checked_at"] else "never"
    held = "; sending held until fixed or overridden" if data["sending_held"] else ""
    override = "; overridden by the operator" if data["overridden"] else ""
    return format_html(
        '<table class="preflight-table">{}</table><p>Checked: {} (mode {}){}{}</p>',
        rows,
        checked,
        data["mode"],
        held,
        override,
    )


@admin.action(description="Run DNS preflight", permissions=["operator"])
def run_dns_preflight(model_admin: admin.ModelAdmin, request: HttpRequest, qs: QuerySet) -> None:
    rows = services.preflight_run_many(inboxes=list(qs), actor=request.user)
    if not rows:
        model_admin.message_user(request, "DNS preflight is off (JENGU_DNS_PREFLIGHT=off).")
        return
    failing = [row.inbox.key for row in rows if row.blocking]
    level = messages.WARNING if failing else messages.SUCCESS
    note = f"; SPF or DMARC failing: {', '.join(failing)}" if failing else ""
    model_admin.message_user(request, f"DNS preflight ran for {len(rows)} inbox(es){note}.", level)


@admin.action(description="Send despite a failing DNS preflight (override)", permissions=["admin"])
def override_dns_preflight(
    model_admin: admin.ModelAdmin, request: HttpRequest, qs: QuerySet
) -> None:
    n = sum(services.preflight_override(inbox=i, actor=request.user) for i in qs)
    model_admin.message_user(request, f"Preflight overridden for {n} inbox(es).", messages.WARNING)


@admin.action(description="Withdraw the DNS preflight override", permissions=["admin"])
def clear_dns_override(model_admin: admin.ModelAdmin, request: HttpRequest, qs: QuerySet) -> None:
    n = sum(services.preflight_override(inbox=i, active=False, actor=request.user) for i in qs)
    model_admin.message_user(request, f"Override withdrawn for {n} inbox(es).", messages.SUCCESS)


ACTIONS = [run_dns_preflight, override_dns_preflight, clear_dns_override]


class PreflightAdminMixin:
    """The badge ("preflight_badge" in list_display) and the change page's block
    ("preflight_details" in readonly_fields and a fieldset)."""

    @admin.display(description="DNS preflight")
    def preflight_badge(self, obj: Inbox) -> str:
        return preflight_badge(obj)

    @admin.display(description="DNS preflight")
    def preflight_details(self, obj: Inbox) -> str:
        return preflight_details(obj)
