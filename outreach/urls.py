from __future__ import annotations

from django.urls import re_path

from outreach import views

urlpatterns = [
    re_path(r"^u/(?P<token>[^/]+)/?$", views.unsubscribe, name="unsubscribe"),
]
