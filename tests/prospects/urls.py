"""jengu.urls plus the prospects pipeline's two routes, until the lead wires them there."""

from __future__ import annotations

from jengu.urls import api
from jengu.urls import urlpatterns as project_urlpatterns
from prospects import api as prospects_api

urlpatterns = [
    api("prospects/import", prospects_api.ProspectImport.as_view(), "prospects-import"),
    api("admin/trigger-scrape", prospects_api.TriggerScrape.as_view(), "trigger-scrape"),
    *project_urlpatterns,
]
