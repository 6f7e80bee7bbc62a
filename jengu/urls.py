"""URLs. The seed's paths have no trailing slash; each is served with and without one."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.decorators import user_passes_test
from django.urls import URLPattern, include, path, re_path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerView

from aiengine import api as aiengine_api
from compliance import api as compliance_api
from console import metrics
from console import views as views_admin
from console.forecast import ForecastStatus
from core import health
from core.api import views as ops
from core.roles import role_of
from core.security import pages as two_factor
from core.security.token_api import AuthToken
from inboxes import api as inboxes_api
from outreach import api as outreach_api
from outreach import approval_pages, replies_api, tracking_api
from outreach import approvals_api as approvals
from outreach.ledger_api import EmailList
from outreach.variants_api import CampaignVariants
from privacy import api as privacy_api
from prospects import api as prospects_api
from prospects import import_api


def api(route: str, view: Any, name: str) -> URLPattern:
    """``api("prospects", V)`` serves /api/prospects and /api/prospects/."""
    return re_path(rf"^api/{route}/?$", view, name=name)


def moved_admin(old_app: str, new_app: str, models: list[str]) -> URLPattern:
    """Bookmarks of the admin pages of models that moved app keep working (301, same page).

    Only the changelist, add, change, delete and history pages (numeric ids): the target path
    is always one of our own admin pages; the query string (changelist filters) is kept.
    """
    pages = r"(?P<page>(?:add/|\d+/(?:change/|delete/|history/)?)?)"
    return re_path(
        rf"^admin/{old_app}/(?P<model>{'|'.join(models)})/{pages}$",
        RedirectView.as_view(
            url=f"/admin/{new_app}/%(model)s/%(page)s", permanent=True, query_string=True
        ),
    )


def signed_in(view: Any) -> Any:
    """The API docs pages, for any role (core.roles): anyone else goes to the admin login,
    then comes back."""
    return user_passes_test(lambda user: role_of(user) is not None, login_url="admin:login")(view)


handler404 = "core.api.errors.not_found"  # JSON under /api/, Django's page elsewhere

urlpatterns = [
    re_path(r"^health/?$", health.health, name="health"),
    api("health", health.health, "api-health"),  # the same view: no authentication
    re_path(r"^metrics/?$", metrics.metrics, name="metrics"),
    path("favicon.ico", views_admin.favicon, name="favicon"),
    path("admin/", admin.site.admin_view(views_admin.dashboard), name="jengu-dashboard"),
    path("admin/ops/", include((views_admin.urlpatterns, "jengu-ops"))),
    path("admin/approvals/", include((approval_pages.urlpatterns, "approvals"))),
    path("admin/2fa/setup/", admin.site.admin_view(two_factor.setup), name="two-factor-setup"),
    path("admin/2fa/verify/", admin.site.admin_view(two_factor.verify), name="two-factor-verify"),
    moved_admin("outreach", "compliance", ["suppression", "unsubscribetoken"]),
    moved_admin("aiengine", "jengu", ["providerwindow", "providerstate"]),
    path("admin/", admin.site.urls),
    # Any role (SPECTACULAR_SETTINGS["SERVE_PERMISSIONS"]; README "API").
    path("api/schema/", ops.SchemaView.as_view(), name="schema"),
    path(
        "api/docs/",
        signed_in(SpectacularSwaggerView.as_view(url_name="schema")),
        name="api-docs",
    ),
    path(
        "api/redoc/",
        signed_in(SpectacularRedocView.as_view(url_name="schema")),
        name="api-redoc",
    ),
    api("auth/token", AuthToken.as_view(), "auth-token"),  # no session: AllowAny, axes-counted
    api("prospects", prospects_api.ProspectListCreate.as_view(), "prospects"),
    api("prospects/import", import_api.ProspectImport.as_view(), "prospects-import"),
    api(
        r"prospects/import/(?P<pk>\d+)",
        import_api.ImportJobDetail.as_view(),
        "prospects-import-job",
    ),
    api("admin/trigger-scrape", prospects_api.TriggerScrape.as_view(), "trigger-scrape"),
    api(r"prospects/(?P<pk>\d+)/export", privacy_api.ProspectExport.as_view(), "prospect-export"),
    api(r"prospects/(?P<pk>\d+)/erase", privacy_api.ProspectErase.as_view(), "prospect-erase"),
    api(r"prospects/(?P<pk>\d+)", prospects_api.ProspectDetail.as_view(), "prospect-detail"),
    api("emails", EmailList.as_view(), "emails"),
    api(r"campaigns/(?P<pk>\d+)/tracking", tracking_api.CampaignTracking.as_view(), "tracking"),
    api("send-email", outreach_api.SendEmail.as_view(), "send-email"),
    api(r"campaigns/(?P<pk>\d+)/variants", CampaignVariants.as_view(), "campaign-variants"),
    api("approvals", approvals.ApprovalList.as_view(), "approvals"),
    api("approvals/approve", approvals.ApprovalBulkApprove.as_view(), "approvals-approve"),
    api("approvals/reject", approvals.ApprovalBulkReject.as_view(), "approvals-reject"),
    api(r"approvals/(?P<pk>\d+)", approvals.ApprovalDetail.as_view(), "approval-detail"),
    api(r"approvals/(?P<pk>\d+)/approve", approvals.ApprovalApprove.as_view(), "approval-approve"),
    api(r"approvals/(?P<pk>\d+)/reject", approvals.ApprovalReject.as_view(), "approval-reject"),
    api("replies", replies_api.ReplyList.as_view(), "replies"),
    api("replies/labels", replies_api.ReplyLabels.as_view(), "reply-labels"),
    api(r"replies/(?P<pk>\d+)", replies_api.ReplyDetail.as_view(), "reply-detail"),
    api(r"replies/(?P<pk>\d+)/answer", replies_api.ReplyAnswer.as_view(), "reply-answer"),
    api(r"replies/(?P<pk>\d+)/suggest", replies_api.ReplySuggest.as_view(), "reply-suggest"),
    api("suppressions", compliance_api.SuppressionList.as_view(), "suppressions"),
    api("status/warmup", inboxes_api.WarmupStatus.as_view(), "status-warmup"),
    api("status/inboxes", inboxes_api.InboxStatus.as_view(), "status-inboxes"),
    api("status/forecast", ForecastStatus.as_view(), "status-forecast"),
    api("status/domain-caps", outreach_api.DomainCapStatus.as_view(), "status-domain-caps"),
    api("status/rate-limits", aiengine_api.RateLimitStatus.as_view(), "status-rate-limits"),
    api("admin/initialize-inboxes", inboxes_api.InitializeInboxes.as_view(), "initialize-inboxes"),
    api("admin/pause-inbox", inboxes_api.PauseInbox.as_view(), "pause-inbox"),
    api("admin/inbox-preflight", inboxes_api.InboxPreflightView.as_view(), "inbox-preflight"),
    api("admin/resume-inbox", inboxes_api.ResumeInbox.as_view(), "resume-inbox"),
    api("admin/trigger-send", outreach_api.TriggerSend.as_view(), "trigger-send"),
    api("admin/emergency-stop", ops.EmergencyStop.as_view(), "emergency-stop"),
    api("admin/dead-letters", ops.DeadLetterList.as_view(), "dead-letters"),
    api(
        r"admin/dead-letters/(?P<pk>\d+)/replay",
        ops.DeadLetterReplay.as_view(),
        "dead-letter-replay",
    ),
    api(
        r"admin/dead-letters/(?P<pk>\d+)/discard",
        ops.DeadLetterDiscard.as_view(),
        "dead-letter-discard",
    ),
    path("", include("outreach.urls")),
]
