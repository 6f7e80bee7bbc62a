"""The inbox and prospect pages, with what only the console can assemble: the inbox's health
charts (the dashboard's) and the prospect's email threads and timeline (prospects knows nothing
of emails, inboxes nothing of the dashboard); and django-q2's queue, fitted to the window. Each app's own admin is re-registered here with
them; its fields, forms and actions stay the app's.

console comes after inboxes and prospects in INSTALLED_APPS, so their admins are registered by
the time this module runs.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django_q.admin import QueueAdmin
from django_q.models import OrmQ

from console.dashboard import inbox_panel
from console.dashboard.timeline import prospect_timeline
from core.admin_display import cut_column, when_column
from inboxes.admin import InboxAdmin
from inboxes.models import Inbox
from prospects.admin import ProspectAdmin
from prospects.models import Prospect


class InboxHealthAdmin(InboxAdmin):
    """templates/admin/inboxes/inbox/change_form.html: the health block."""

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> Any:
        inbox = self.get_object(request, object_id)
        context = {**(extra_context or {}), "health": inbox_panel(inbox) if inbox else None}
        return super().change_view(request, object_id, form_url, context)


class ProspectTimelineAdmin(ProspectAdmin):
    """templates/admin/prospects/prospect/change_form.html: threads and timeline."""

    change_form_template = "admin/prospects/prospect/change_form.html"

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> Any:
        context = {**(extra_context or {}), "timeline": prospect_timeline(object_id)}
        return super().change_view(request, object_id, form_url, context)


def _method(name: str, em: int, description: str | None = None) -> Any:
    # The queue's name, func and ids are read from the signed payload: not sortable in SQL.
    return cut_column(name, em, description, sortable=False)


class TaskQueueAdmin(QueueAdmin):
    """django-q2's queued tasks, oldest first, with the columns cut to fit a 1280 px window."""

    list_display = (
        "id", "key", _method("name", 14), _method("group", 10), _method("func", 18),
        when_column("lock", "lock until"), _method("task_id", 8, "task id"),
    )  # fmt: skip
    ordering = ["id"]


# django-q2 registers its queue page only with the ORM broker (Redis keeps no OrmQ rows).
if admin.site.is_registered(OrmQ):
    admin.site.unregister(OrmQ)
    admin.site.register(OrmQ, TaskQueueAdmin)
admin.site.unregister(Inbox)
admin.site.register(Inbox, InboxHealthAdmin)
admin.site.unregister(Prospect)
admin.site.register(Prospect, ProspectTimelineAdmin)
