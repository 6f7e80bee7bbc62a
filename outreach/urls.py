from __future__ import annotations

from django.urls import re_path

from outreach import tracking_views, views

urlpatterns = [
    re_path(r"^u/(?P<token>[^/]+)/?$", views.unsubscribe, name="unsubscribe"),
    # Opt-in open and click tracking (README "Tracking"); signed tokens, no authentication.
    re_path(r"^t/c/(?P<token>[^/]+)/?$", tracking_views.click, name="tracking-click"),
    re_path(r"^t/o/(?P<token>[^/]+)/?$", tracking_views.pixel, name="tracking-open"),
]
