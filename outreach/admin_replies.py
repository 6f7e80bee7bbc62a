"""The admin's "Replies" page: the unified inbox (every human reply across all inboxes) and,
for one reply, its whole thread, the prospect's card and the operator's forms. Every form
calls a service of ``outreach.services.replies`` / ``replies_answer``; nothing is written here."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from core.admin_display import cut
from core.admin_search import UnionSearchMixin
from core.errors import JenguError
from core.paging import EstimatedCountPaginator
from inboxes.models import Inbox
from outreach.models import Campaign, Reply
from outreach.services import replies, replies_answer
from outreach.services.replies_thread import reply_thread

INTENT_CHOICES = [(i, i.replace("_", " ")) for i in replies.INTENTS]


class IntentFilter(admin.SimpleListFilter):
    title, parameter_name = "intent", "intent"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return INTENT_CHOICES

    def queryset(self, request: HttpRequest, qs: QuerySet[Reply]) -> QuerySet[Reply]:
        return qs.filter(intent=self.value()) if self.value() else qs


class StateFilter(admin.SimpleListFilter):
    """Unread by default leaves nothing out; snoozed replies wait out of the unread list."""

    title, parameter_name = "read", "state"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("unread", "Unread"), ("read", "Read"), ("snoozed", "Snoozed")]

    def queryset(self, request: HttpRequest, qs: QuerySet[Reply]) -> QuerySet[Reply]:
        now = timezone.now()
        if self.value() == "unread":
            return qs.filter(read_at__isnull=True).exclude(snoozed_until__gt=now)
        if self.value() == "read":
            return qs.filter(read_at__isnull=False)
        if self.value() == "snoozed":
            return qs.filter(snoozed_until__gt=now)
        return qs


class NeedsHumanFilter(admin.SimpleListFilter):
    title, parameter_name = "needs a human", "needs_human"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("yes", "Needs a human"), ("no", "No")]

    def queryset(self, request: HttpRequest, qs: QuerySet[Reply]) -> QuerySet[Reply]:
        if self.value() == "yes":
            return qs.filter(replies.needs_human_q())
        if self.value() == "no":
            return qs.exclude(replies.needs_human_q())
        return qs


class InboxFilter(admin.SimpleListFilter):
    title, parameter_name = "inbox", "inbox"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(str(pk), key) for pk, key in Inbox.objects.values_list("pk", "key")]

    def queryset(self, request: HttpRequest, qs: QuerySet[Reply]) -> QuerySet[Reply]:
        value = self.value()
        return qs.filter(inbox_id=value) if value else qs


class CampaignFilter(admin.SimpleListFilter):
    title, parameter_name = "campaign", "campaign"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(str(pk), name) for pk, name in Campaign.objects.values_list("pk", "name")]

    def queryset(self, request: HttpRequest, qs: QuerySet[Reply]) -> QuerySet[Reply]:
        value = self.value()
        return qs.filter(matched_outbound__enrollment__campaign_id=value) if value else qs


class AnswerForm(forms.Form):
    subject = forms.CharField(max_length=300, required=False)
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 10}), max_length=20000)


class IntentForm(forms.Form):
    intent = forms.ChoiceField(choices=INTENT_CHOICES)


class SnoozeForm(forms.Form):
    until = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))


@admin.register(Reply)
class ReplyAdmin(UnionSearchMixin, admin.ModelAdmin):
    list_display = ["received", "sender", "intent_badge", "who", "inbox_key"]
    list_display_links = ["sender"]
    list_filter = [IntentFilter, NeedsHumanFilter, StateFilter, InboxFilter, CampaignFilter]
    list_select_related = ["inbox", "prospect", "matched_outbound__enrollment__campaign"]
    search_fields = ["from_address", "subject", "body_text", "prospect__name"]
    fallback_search_fields = ("body_text",)  # no trigram index: read only when nothing else matches
    list_per_page = 50
    show_full_result_count = False
    paginator = EstimatedCountPaginator
    actions = ["mark_read", "mark_unread"]
    change_form_template = "admin/outreach/reply/thread.html"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # replies arrive by mail

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # the record of what a prospect said stays

    def get_queryset(self, request: HttpRequest) -> QuerySet[Reply]:
        return replies.replies_queryset()

    @admin.display(description="Received", ordering="created_at")
    def received(self, obj: Reply) -> str:
        at = obj.received_at or obj.created_at
        return timezone.localtime(at).strftime("%Y-%m-%d %H:%M")

    @admin.display(description="From / subject")
    def sender(self, obj: Reply) -> str:
        return format_html(
            '<span class="rp-from is-{}" title="{}">{}</span> <span class="rp-state">{}</span><br>'
            '<span class="rp-subject" title="{}">{}</span>',
            "unread" if obj.read_at is None else "read",
            obj.from_address,
            obj.from_address,
            self.state(obj),
            obj.subject,
            obj.subject[:80] or "(no subject)",
        )

    @admin.display(description="Intent", ordering="intent")
    def intent_badge(self, obj: Reply) -> str:
        corrected = " ✎" if obj.intent_corrected else ""
        return format_html(
            '<span class="rp-intent is-{}">{}{}</span>',
            obj.intent or "none",
            (obj.intent or "unclassified").replace("_", " "),
            corrected,
        )

    @admin.display(description="Prospect / campaign")
    def who(self, obj: Reply) -> str:
        ours = obj.matched_outbound
        return format_html(
            '{}<br><span class="rp-quiet">{}</span>',
            cut(obj.prospect.name if obj.prospect else "(no prospect)", em=16),
            cut(ours.enrollment.campaign.name if ours else "—", em=18),
        )

    @admin.display(description="Inbox", ordering="inbox__key")
    def inbox_key(self, obj: Reply) -> str:
        if obj.inbox is None:
            return "—"
        return format_html('<span title="{}">{}</span>', obj.inbox.address, obj.inbox.key)

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        return super().changelist_view(request, {"title": "Replies", **(extra_context or {})})

    def state(self, obj: Reply) -> str:
        if obj.snoozed_until and obj.snoozed_until > timezone.now():
            return f"snoozed until {timezone.localtime(obj.snoozed_until):%Y-%m-%d}"
        return "read" if obj.read_at else "unread"

    @admin.action(description="Mark as read", permissions=["change"])
    def mark_read(self, request: HttpRequest, queryset: QuerySet[Reply]) -> None:
        for pk in queryset.values_list("pk", flat=True):
            replies.reply_mark_read(reply_id=pk)
        self.message_user(request, f"{queryset.count()} marked read.")

    @admin.action(description="Mark as unread", permissions=["change"])
    def mark_unread(self, request: HttpRequest, queryset: QuerySet[Reply]) -> None:
        for pk in queryset.values_list("pk", flat=True):
            replies.reply_mark_read(reply_id=pk, read=False)
        self.message_user(request, f"{queryset.count()} marked unread.")

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        reply = self.get_object(request, object_id)
        if reply is None:
            return self._get_obj_does_not_exist_redirect(  # type: ignore[attr-defined]
                request, self.opts, object_id
            )
        if not self.has_view_or_change_permission(request, reply):
            raise PermissionDenied
        answer = AnswerForm(initial={"subject": replies_answer.answer_subject(reply.subject)})
        if request.method == "POST":
            if not self.has_change_permission(request, reply):
                return HttpResponse(status=403)
            done = self._act(request, reply)
            if isinstance(done, AnswerForm):
                answer = done  # a suggestion, or an answer to fix: shown again
            else:
                return HttpResponseRedirect(request.get_full_path())
        elif reply.read_at is None and self.has_change_permission(request, reply):
            reply = replies.reply_mark_read(reply_id=reply.pk)  # opened = read
        return self._thread_page(request, reply, answer)

    def _act(self, request: HttpRequest, reply: Reply) -> AnswerForm | None:
        action = request.POST.get("action", "")
        try:
            return self._do(request, reply, action)
        except JenguError as exc:
            self.message_user(request, exc.message, messages.ERROR)
            return AnswerForm(request.POST) if action == "answer" else None

    def _do(self, request: HttpRequest, reply: Reply, action: str) -> AnswerForm | None:
        if action == "suggest":
            draft = replies_answer.reply_suggest_answer(reply_id=reply.pk)
            return AnswerForm(initial={"subject": draft.subject, "body": draft.body})
        if action == "answer":
            form = AnswerForm(request.POST)
            if not form.is_valid():
                return form
            email = replies_answer.reply_answer(
                reply_id=reply.pk, actor=request.user, **form.cleaned_data
            )
            self.message_user(request, f"Answer queued to {email.recipient}; it leaves now.")
        elif action == "intent":
            intent = IntentForm(request.POST)
            if intent.is_valid():
                replies.reply_correct_intent(
                    reply_id=reply.pk, intent=intent.cleaned_data["intent"], actor=request.user
                )
                self.message_user(request, "Intent corrected.")
        elif action in ("read", "unread"):
            replies.reply_mark_read(reply_id=reply.pk, read=action == "read")
        elif action == "snooze":
            snooze = SnoozeForm(request.POST)
            if snooze.is_valid():
                day = snooze.cleaned_data["until"]
                until = timezone.make_aware(datetime.combine(day, time(8, 0)))
                replies.reply_snooze(reply_id=reply.pk, until=until)
                self.message_user(request, f"Snoozed until {day:%Y-%m-%d}.")
        elif action in ("meeting", "no_meeting"):
            replies.reply_mark_meeting_booked(
                reply_id=reply.pk, booked=action == "meeting", actor=request.user
            )
        return None

    def _thread_page(self, request: HttpRequest, reply: Reply, answer: AnswerForm) -> HttpResponse:
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": reply.subject or "(no subject)",
            "reply": replies.reply_get(reply.pk),
            "thread": reply_thread(reply),
            "answer_form": answer,
            "intent_form": IntentForm(initial={"intent": reply.intent}),
            "snooze_form": SnoozeForm(),
            "answers": replies_answer.reply_answers(reply),
            "prospect_url": reverse("admin:prospects_prospect_change", args=[reply.prospect_id])
            if reply.prospect_id
            else "",
            "list_url": reverse("admin:outreach_reply_changelist"),
            "can_act": self.has_change_permission(request, reply),
            "intent_label": (reply.intent or "unclassified").replace("_", " "),
            "needs_human": reply.intent in ("", *replies.NEEDS_HUMAN),
        }
        return TemplateResponse(request, self.change_form_template, context)
