"""The admin of inbox-placement tests: seed mailboxes, runs and their results, and the inbox
changelist's action (imported by inboxes/admin.py). Saves and actions call the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from core.errors import JenguError
from inboxes.models import PlacementResult, PlacementRun, SeedMailbox
from inboxes.services.placement import placement_enqueue
from inboxes.services.placement_seeds import seed_save


@admin.action(
    description="Run an inbox-placement test (send to every seed mailbox)",
    permissions=["operator"],
)
def run_placement_test(
    modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet
) -> None:
    keys = list(queryset.values_list("key", flat=True))
    try:
        run = placement_enqueue(inbox_keys=keys, actor=request.user)
    except JenguError as exc:
        modeladmin.message_user(request, exc.message, messages.ERROR)
        return
    modeladmin.message_user(
        request,
        f"Placement test #{run.pk} queued for {len(keys)} inbox(es); results in about "
        f"{run.wait_minutes} minute(s) on each inbox's page.",
        messages.SUCCESS,
    )
    for note in run.notes:
        modeladmin.message_user(request, note, messages.WARNING)


class SeedMailboxForm(forms.ModelForm):
    # Write-only: the stored password is never rendered back into the page.
    password = forms.CharField(
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text="Leave empty to keep the stored password.",
    )

    class Meta:
        model = SeedMailbox
        fields = [
            "key",
            "email",
            "username",
            "password",
            "imap_host",
            "imap_port",
            "label",
            "active",
        ]

    def clean_password(self) -> str:
        value = self.cleaned_data.get("password") or ""
        value = value or (self.instance.password if self.instance.pk else "")
        if not value:
            raise forms.ValidationError("A seed mailbox needs its IMAP password.")
        return value


@admin.register(SeedMailbox)
class SeedMailboxAdmin(admin.ModelAdmin):
    form = SeedMailboxForm
    list_display = ["key", "email", "label", "imap_host", "imap_port", "active", "source"]
    list_filter = ["active", "source"]
    search_fields = ["key", "email", "label"]
    readonly_fields = ["source", "created_at", "updated_at"]

    def save_model(self, request: HttpRequest, obj: SeedMailbox, form: Any, change: bool) -> None:
        seed_save(seed=obj, changed=list(form.changed_data), actor=request.user)


class PlacementResultInline(admin.TabularInline):
    model = PlacementResult
    extra = 0
    max_num = 0
    can_delete = False
    fields = readonly_fields = (
        "inbox",
        "seed",
        "outcome",
        "folder",
        "detail",
        "sent_at",
        "message_id",
    )


@admin.register(PlacementRun)
class PlacementRunAdmin(admin.ModelAdmin):
    """Read-only: runs are made by the action and the command, and settled by the workers."""

    list_display = ["id", "created_at", "state", "started_by", "wait_minutes", "checked_at"]
    list_filter = ["state"]
    readonly_fields = [
        "state",
        "inbox_keys",
        "wait_minutes",
        "started_by",
        "notes",
        "created_at",
        "sent_at",
        "check_after",
        "checked_at",
    ]
    inlines = [PlacementResultInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
