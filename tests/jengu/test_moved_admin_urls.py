"""Admin bookmarks of models that moved app (outreach -> compliance, aiengine -> core) still work."""

from __future__ import annotations

import pytest

from compliance.models import Suppression
from core.models import ProviderState

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("/admin/outreach/suppression/", "/admin/compliance/suppression/"),
        (
            "/admin/outreach/suppression/?reason=bounce",
            "/admin/compliance/suppression/?reason=bounce",
        ),
        ("/admin/outreach/suppression/add/", "/admin/compliance/suppression/add/"),
        ("/admin/outreach/suppression/7/change/", "/admin/compliance/suppression/7/change/"),
        ("/admin/outreach/unsubscribetoken/", "/admin/compliance/unsubscribetoken/"),
        ("/admin/aiengine/providerwindow/", "/admin/jengu/providerwindow/"),
        ("/admin/aiengine/providerstate/3/change/", "/admin/jengu/providerstate/3/change/"),
    ],
)
def test_old_admin_urls_redirect_to_the_new_ones(admin_client, old: str, new: str) -> None:
    response = admin_client.get(old)
    assert (response.status_code, response["Location"]) == (301, new)


def test_models_that_stayed_are_not_redirected(admin_client) -> None:
    assert admin_client.get("/admin/aiengine/aiusage/").status_code == 200
    assert admin_client.get("/admin/outreach/outboundemail/").status_code == 200
    assert admin_client.get("/admin/outreach/suppression/1/evil/").status_code == 404


def test_an_old_bookmark_lands_on_the_working_page(admin_client) -> None:
    Suppression.objects.create(email="gone@hotel.example", reason="manual")
    state = ProviderState.objects.create(provider="hunter", last_error="HTTP 429")
    page = admin_client.get("/admin/outreach/suppression/", follow=True)
    assert page.status_code == 200 and b"gone@hotel.example" in page.content
    change = admin_client.get(f"/admin/aiengine/providerstate/{state.pk}/change/", follow=True)
    assert change.status_code == 200 and b"HTTP 429" in change.content
