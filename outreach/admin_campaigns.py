"""The campaign admin: its steps, its A/B variants, and their results with a small chart."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from core.admin_display import when_column
from outreach.admin_tracking import CampaignTrackingAdmin
from outreach.models import Campaign, SequenceStep, StepVariant
from outreach.models.variants import MAX_VARIANTS
from outreach.services.abresults import StepResult, auto_winner_check, campaign_results

BAR_WIDTH = 240  # px of the chart's 0..scale axis
ROW = 18


class StepInline(admin.TabularInline):
    model = SequenceStep
    extra = 0


class VariantFormSet(forms.BaseInlineFormSet):
    def clean(self) -> None:
        """A step is tested with 2 to 5 variants, or not at all."""
        super().clean()
        per_step: dict[int, int] = {}
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if data and not data.get("DELETE") and data.get("step"):
                per_step[data["step"]] = per_step.get(data["step"], 0) + 1
        for step, n in sorted(per_step.items()):
            if not 2 <= n <= MAX_VARIANTS:
                raise forms.ValidationError(
                    f"Step {step} has {n} variant(s): an A/B test needs 2 to {MAX_VARIANTS}."
                )


class VariantInline(admin.TabularInline):
    model = StepVariant
    formset = VariantFormSet
    extra = 0
    fields = ["step", "label", "subject", "body", "instructions", "active", "stopped_reason"]
    readonly_fields = ["stopped_reason"]
    formfield_overrides = {
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 3, "cols": 30})},
        models.CharField: {"widget": forms.TextInput(attrs={"size": 24})},
    }
    verbose_name = "A/B variant"


def _pct(x: float) -> str:
    return f"{100 * x:.1f}%"


def _chart(result: StepResult) -> SafeString:
    """Inline SVG: one bar per variant (positive-reply rate) with its 95% interval whisker."""
    scale = max([v.high for v in result.variants] + [0.01])
    height = ROW * len(result.variants) + 4
    parts = []
    for i, v in enumerate(result.variants):
        y = 2 + i * ROW
        mid, top, bottom = y + ROW / 2, y + 4, y + ROW - 4
        x0, x1 = 20 + BAR_WIDTH * v.low / scale, 20 + BAR_WIDTH * v.high / scale
        fill = "#2e7d32" if v.label == result.winner else "#79aec8"
        whiskers = ((x0, x1, mid, mid), (x0, x0, top, bottom), (x1, x1, top, bottom))
        parts.append(
            format_html(
                '<text x="2" y="{}" font-size="12">{}</text>'
                '<rect x="20" y="{}" width="{}" height="{}" fill="{}"/>{}',
                y + 12,
                v.label,
                y + 2,
                f"{BAR_WIDTH * v.positive_rate / scale:.1f}",
                ROW - 6,
                fill,
                format_html_join(
                    "",
                    '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="#333"/>',
                    (tuple(f"{n:.1f}" for n in w) for w in whiskers),
                ),
            )
        )
    return format_html(
        '<svg class="ab-chart" width="{}" height="{}" role="img" aria-label="{}">{}</svg>',
        BAR_WIDTH + 30,
        height,
        f"Positive-reply rate per variant, step {result.step}, with 95% intervals",
        format_html_join("", "{}", ((part,) for part in parts)),
    )


def _p(value: float | None) -> str:
    return "leader" if value is None else f"{value:.3f}"


def _table(result: StepResult) -> SafeString:
    head = format_html_join(
        "",
        "<th>{}</th>",
        (
            (h,)
            for h in ["", "sent", "replies", "positive", "meetings", "bounces", "unsub.", "rate"]
        ),
    )
    rows = format_html_join(
        "",
        '<tr><td>{}{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>'
        '<td style="white-space:nowrap">{} ({}–{})</td>'
        '<td style="white-space:nowrap">{}</td></tr>',
        (
            (v.label, "" if v.active else " (stopped)", v.sent, v.replies, v.positive,
             v.meetings, v.bounces, v.unsubscribes, _pct(v.positive_rate), _pct(v.low),
             _pct(v.high), _p(v.p_vs_leader))
            for v in result.variants
        ),
    )  # fmt: skip
    verdict = f"winner {result.winner}" if result.winner else "no significant winner yet"
    scale = max([v.high for v in result.variants] + [0.01])
    return format_html(
        '<div class="ab-step"><p><strong>Step {}</strong>: {}</p>'
        '<table class="ab-results"><thead><tr>{}<th>p</th></tr></thead><tbody>{}</tbody>'
        '</table>{}<p class="help">Bars: positive-reply rate (scale 0 to {}); whiskers: its '
        "95% interval; p: Holm-adjusted z-test against the leader.</p></div>",
        result.step,
        verdict,
        head,
        rows,
        _chart(result),
        _pct(scale),
    )


@admin.register(Campaign)
class CampaignAdmin(CampaignTrackingAdmin):
    list_display = [
        "name",
        "strategy",
        "status",
        "is_default",
        "cap",
        "reviewed",
        when_column("created_at"),
    ]
    list_filter = ["status", "strategy", "is_default", "review_first_emails"]
    ordering = ["-is_default", "name"]
    readonly_fields = ["ab_results"]
    search_fields = ["name"]
    inlines = [StepInline, VariantInline]

    @admin.display(description="cap/day", ordering="domain_daily_cap")
    def cap(self, obj: Campaign) -> str:
        # Emails per recipient domain per UTC day; empty = JENGU_DOMAIN_DAILY_CAP.
        return "default" if obj.domain_daily_cap is None else str(obj.domain_daily_cap)

    @admin.display(description="review", boolean=True, ordering="review_first_emails")
    def reviewed(self, obj: Campaign) -> bool:
        return obj.review_first_emails

    @admin.display(description="A/B results")
    def ab_results(self, obj: Campaign) -> SafeString | str:
        """Positive replies (interested + meeting request) per sent email; p = Holm-adjusted
        two-proportion z-test against the leader (README "A/B tests")."""
        if obj.pk is None:
            return "-"
        results = campaign_results(obj)
        if not results:
            return "No variants: add two to five to a step below."
        return format_html_join("", "{}", ((_table(r),) for r in results))

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        campaign = Campaign.objects.filter(pk=object_id).first() if object_id.isdigit() else None
        if campaign is not None and request.method == "GET":
            auto_winner_check(campaign=campaign, now=timezone.now())  # also hourly
        return super().change_view(request, object_id, form_url, extra_context)
