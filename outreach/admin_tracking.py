"""Tracking on the campaign and outbound-email pages: the opt-in fields and a read-only block
of opens and clicks, people and suspects (scanners, prefetches) apart."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from core.admin_display import cut, when
from outreach.models import Campaign, OutboundEmail, TrackingEvent
from outreach.services.tracking import OPENS_LABEL, campaign_tracking, email_tracking

CAMPAIGN_FIELDS = ["track_opens", "track_clicks", "tracking_base_url", "tracking_report"]
RECENT = 10  # hits listed on an email's page


def _table(counts: dict[str, Any], rows: list[tuple[str, str]]) -> str:
    head = mark_safe(
        "<tr><th></th><th>people</th><th>suspect (scanners, prefetch)</th><th>emails</th></tr>"
    )
    body = format_html_join(
        "",
        "<tr><th>{}</th><td>{}</td><td>{}</td><td>{}</td></tr>",
        (
            (label, counts[key]["human"], counts[key]["suspect"], counts[key]["emails"])
            for key, label in rows
        ),
    )
    return format_html('<table class="jg-values jg-tracking">{}{}</table>', head, body)


ROWS = [("opens", OPENS_LABEL), ("clicks", "clicks")]


class CampaignTrackingAdmin(admin.ModelAdmin):
    """Mixed into CampaignAdmin: a "Tracking" group with the counts."""

    # Django 6 makes https the default scheme of a typed-in URL; say so now (and no warning).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return [*super().get_readonly_fields(request, obj), "tracking_report"]

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        fieldsets = [
            (title, {**opts, "fields": [f for f in opts["fields"] if f not in CAMPAIGN_FIELDS]})
            for title, opts in super().get_fieldsets(request, obj)
        ]
        return [*fieldsets, ("Tracking", {"fields": CAMPAIGN_FIELDS})]

    @admin.display(description="results")
    def tracking_report(self, obj: Campaign) -> str:
        if obj is None or obj.pk is None:
            return "-"
        report = campaign_tracking(obj)
        sent = format_html(
            "<p>{} sent, {} with HTML (only those can be tracked).</p>",
            report["sent"],
            report["sent_html"],
        )
        return format_html("{}{}", sent, _table(report, ROWS))


class EmailTrackingAdmin(admin.ModelAdmin):
    """Mixed into OutboundEmailAdmin: the email's opens, clicks and latest hits."""

    field_groups: list[tuple[str | None, list[str]]]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.field_groups = [*self.field_groups, ("Tracking", ["tracking_report"])]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return [*super().get_readonly_fields(request, obj), "tracking_report"]

    @admin.display(description="opens and clicks")
    def tracking_report(self, obj: OutboundEmail) -> str:
        if obj is None or obj.pk is None:
            return "-"
        hits = TrackingEvent.objects.filter(email=obj)[:RECENT]
        recent = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (when(h.at), h.kind, h.suspect_reason or "person", cut(h.user_agent, em=24))
                for h in hits
            ),
        )
        return format_html(
            '{}<table class="jg-values">{}</table>',
            _table(email_tracking(obj.pk), ROWS),
            recent,
        )
