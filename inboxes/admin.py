from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from core.admin_display import cut_column, when_column
from core.admin_site import RoleActions
from core.roles import ADMIN, has_role
from inboxes import services
from inboxes.models import Inbox, InboxDay
from inboxes.placement_admin import run_placement_test
from inboxes.preflight_admin import ACTIONS as PREFLIGHT_ACTIONS
from inboxes.preflight_admin import PreflightAdminMixin


class InboxForm(forms.ModelForm):
    # Write-only: the stored password is never rendered back into the page.
    password = forms.CharField(
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text="Leave empty to keep the stored password.",
    )

    class Meta:
        model = Inbox
        exclude: list[str] = []

    def clean_password(self) -> str:
        value = self.cleaned_data.get("password") or ""
        return value or (self.instance.password if self.instance.pk else "")

    def clean_timezone(self) -> str:
        # A typo here would make every warmup and status call for this inbox fail later.
        value = (self.cleaned_data.get("timezone") or "").strip()
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise forms.ValidationError(f"{value!r} is not a known time zone") from exc
        return value

    def clean_warmup_schedule(self) -> str:
        value = self.cleaned_data.get("warmup_schedule", "")
        if value:
            try:
                services.warmup.parse_schedule(value)
            except ValueError as exc:
                raise forms.ValidationError(str(exc)) from exc
        return value


class BouncingFilter(admin.SimpleListFilter):
    title = "bouncing?"
    parameter_name = "bouncing"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [("yes", "Over half the pause threshold"), ("no", "Healthy")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        half = settings.JENGU["BOUNCE_PAUSE_RATE"] / 2
        if self.value() == "yes":
            return queryset.filter(bounce_rate__gte=half)
        if self.value() == "no":
            return queryset.filter(bounce_rate__lt=half)
        return queryset


class InboxDayInline(admin.TabularInline):
    model = InboxDay
    extra = 0
    max_num = 0
    fields = ("date", "limit", "reserved", "sent", "bounced", "complaints", "sender_problems")
    readonly_fields = fields
    ordering = ["-date"]


@admin.register(Inbox)
class InboxAdmin(RoleActions, PreflightAdminMixin, admin.ModelAdmin):
    form = InboxForm
    list_display = [
        "key",
        cut_column("address", 16),
        "provider",
        "status",
        "circuit",
        "bounce_pct",
        "today",
        when_column("last_success_at", "last success"),
        "preflight_badge",
    ]
    list_filter = ["status", "provider", BouncingFilter, "circuit", "source"]
    search_fields = ["key", "address", "display_name", "smtp_host"]
    readonly_fields = [
        "source",
        "status",
        "pause_reason",
        "paused_at",
        "circuit",
        "consecutive_failures",
        "circuit_opened_at",
        "bounce_rate",
        "bounce_sample",
        "complaint_rate",
        "last_error",
        "last_error_at",
        "last_success_at",
        "last_send_at",
        "next_send_at",
        "last_checked_at",
        "created_at",
        "updated_at",
        "preflight_details",
    ]
    actions = ["pause", "resume", *PREFLIGHT_ACTIONS, run_placement_test]
    inlines = [InboxDayInline]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "key",
                    "source",
                    "provider",
                    "address",
                    "display_name",
                    "status",
                    "pause_reason",
                    "paused_at",
                ]
            },
        ),
        (
            "Sending",
            {"fields": ["smtp_host", "smtp_port", "username", "password", "maildir_path"]},
        ),
        ("DNS preflight", {"fields": ["dkim_selector", "preflight_details"]}),
        (
            "Reading replies",
            {
                "fields": [
                    "reader_enabled",
                    "imap_host",
                    "imap_port",
                    "imap_folder",
                    "imap_sent_folder",
                    "imap_readonly",
                    "last_checked_at",
                ]
            },
        ),
        ("Warmup", {"fields": ["timezone", "warmup_start", "warmup_schedule"]}),
        (
            "Health",
            {
                "fields": [
                    "circuit",
                    "consecutive_failures",
                    "circuit_opened_at",
                    "bounce_rate",
                    "bounce_sample",
                    "complaint_rate",
                    "last_error",
                    "last_error_at",
                    "last_success_at",
                    "last_send_at",
                    "next_send_at",
                ]
            },
        ),
    ]

    @admin.display(description="bounce rate")
    def bounce_pct(self, obj: Inbox) -> str:
        return f"{obj.bounce_rate:.1%} of {obj.bounce_sample}"

    @admin.display(description="today")
    def today(self, obj: Inbox) -> str:
        now = timezone.now()
        day = services.local_date(obj, now)
        row = InboxDay.objects.filter(inbox=obj, date=day).first()
        used = (row.sent + row.reserved) if row else 0
        return f"{used}/{services.warmup_limit(obj, day)}"

    def get_fieldsets(self, request: HttpRequest, obj: Inbox | None = None) -> Any:
        """The password field (write-only even for admins) is not even named to other roles."""
        fieldsets = super().get_fieldsets(request, obj)
        if has_role(request.user, ADMIN):
            return fieldsets
        return [
            (name, {**o, "fields": [f for f in o["fields"] if f != "password"]})
            for name, o in fieldsets
        ]

    @admin.action(description="Pause selected inboxes", permissions=["operator"])
    def pause(self, request: HttpRequest, queryset: QuerySet) -> None:
        n = sum(
            services.inbox_pause(inbox=i, reason="paused in the admin", actor=request.user)
            for i in queryset
        )
        self.message_user(request, f"Paused {n} inbox(es).", messages.WARNING)

    @admin.action(description="Resume selected inboxes", permissions=["operator"])
    def resume(self, request: HttpRequest, queryset: QuerySet) -> None:
        n = sum(services.inbox_resume(inbox=i, actor=request.user) for i in queryset)
        self.message_user(request, f"Resumed {n} inbox(es).", messages.SUCCESS)

    def save_model(self, request: HttpRequest, obj: Inbox, form: Any, change: bool) -> None:
        services.inbox_save(inbox=obj, changed=list(form.changed_data), actor=request.user)


@admin.register(InboxDay)
class InboxDayAdmin(admin.ModelAdmin):
    """The warmup counters, one row per inbox per inbox-local day (read-only: the ledger owns
    them)."""

    list_display = [
        "date",
        "inbox",
        "limit",
        "reserved",
        "sent",
        "bounced",
        "complaints",
        "sender_problems",
    ]
    list_filter = ["inbox"]
    list_select_related = ["inbox"]
    date_hierarchy = "date"
    readonly_fields = [f.name for f in InboxDay._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
