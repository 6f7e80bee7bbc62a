"""The prospect admin, with GDPR: an "Erase personal data (GDPR)" action (admin role, after a
confirmation page) and an "Export (JSON)" link on the prospect page.

privacy comes after console in INSTALLED_APPS: the prospect's admin class is whatever is
registered by then (console's, with the timeline); it is extended, not replaced.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse

from core.roles import ADMIN, has_role
from privacy.services import erase_prospect
from prospects.models import Prospect

MAX_AT_ONCE = 100
Base: Any = type(admin.site.get_model_admin(Prospect))


class PrivacyProspectAdmin(Base):  # type: ignore[misc, valid-type]
    change_form_template = "admin/privacy/prospect_change_form.html"
    actions = [*Base.actions, "erase_personal_data"]

    def has_erase_permission(self, request: HttpRequest) -> bool:
        return has_role(request.user, ADMIN)

    @admin.action(description="Erase personal data (GDPR)", permissions=["erase"])
    def erase_personal_data(self, request: HttpRequest, queryset: QuerySet[Prospect]) -> Any:
        if not self.has_erase_permission(request):
            raise PermissionDenied
        chosen = list(queryset[:MAX_AT_ONCE])
        if request.POST.get("confirm") != "yes":
            return TemplateResponse(
                request,
                "admin/privacy/erase_confirm.html",
                {
                    **self.admin_site.each_context(request),
                    "title": "Erase personal data (GDPR)",
                    "prospects": chosen,
                    "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                    "opts": self.model._meta,
                },
            )
        removed = [erase_prospect(p.pk, actor=request.user) for p in chosen]
        contacts = sum(r.get("contacts", 0) for r in removed)
        emails = sum(r.get("outbound_emails", 0) + r.get("inbound_messages", 0) for r in removed)
        self.message_user(
            request,
            f"{len(removed)} prospect(s) erased: {contacts} contact(s), {emails} email(s) "
            "removed; their addresses stay suppressed as salted hashes.",
            messages.SUCCESS,
        )
        return None


admin.site.unregister(Prospect)
admin.site.register(Prospect, PrivacyProspectAdmin)
