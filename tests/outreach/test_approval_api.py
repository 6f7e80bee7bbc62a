"""/api/approvals: list, read, edit, approve and reject drafts awaiting approval."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine
from django.utils import timezone
from rest_framework.test import APIClient

from outreach.models import OutboundEmail
from outreach.services import enrollments_stop, prepare_due
from tests.factories import CampaignFactory, InboxFactory
from tests.outreach.helpers import TUESDAY_10, enrolled

pytestmark = pytest.mark.django_db
BODY = "Hello Marta,\n\nWould a short call about answering guest emails help this season?\n\nRui"


def _drafts(n: int = 1, **campaign: Any) -> list[OutboundEmail]:
    with time_machine.travel(TUESDAY_10, tick=False):
        InboxFactory()
        enrolled(CampaignFactory(review_first_emails=True, **campaign), n=n)
        prepare_due(now=timezone.now())
    return list(OutboundEmail.objects.order_by("pk"))


def test_the_list_shows_awaiting_drafts_with_the_writers_facts(api: APIClient) -> None:
    first, second = _drafts(2)
    other, *_ = _drafts(1)[2:]
    api.post(f"/api/approvals/{second.pk}/approve", format="json")

    page = api.get("/api/approvals").json()
    assert set(page) == {"next", "previous", "results"}
    assert {r["id"] for r in page["results"]} == {first.pk, other.pk}
    row = next(r for r in page["results"] if r["id"] == first.pk)
    assert row["status"] == "awaiting_approval"
    assert row["facts"]["prospect_name"] == first.prospect.name
    assert row["campaign"] == first.enrollment.campaign_id
    only = api.get(f"/api/approvals/?campaign={other.enrollment.campaign_id}").json()
    assert [r["id"] for r in only["results"]] == [other.pk]
    assert api.get("/api/approvals?page_size=1").json()["next"]


def test_edit_then_approve_one(api: APIClient) -> None:
    (email,) = _drafts()
    edited = api.patch(
        f"/api/approvals/{email.pk}", {"subject": "Guest emails at Casa"}, format="json"
    )
    assert edited.status_code == 200, edited.content
    assert (edited.json()["subject"], edited.json()["status"]) == (
        "Guest emails at Casa",
        "awaiting_approval",
    )

    approved = api.post(f"/api/approvals/{email.pk}/approve/", {"body_text": BODY}, format="json")
    assert approved.status_code == 200, approved.content
    email.refresh_from_db()
    assert (email.status, email.subject, email.body_text) == (
        "queued",
        "Guest emails at Casa",
        BODY,
    )
    assert api.get(f"/api/approvals/{email.pk}").json()["status"] == "queued"  # still readable


def test_approving_twice_or_a_cancelled_draft_is_a_409(api: APIClient) -> None:
    first, second = _drafts(2)
    assert api.post(f"/api/approvals/{first.pk}/approve", format="json").status_code == 200
    twice = api.post(f"/api/approvals/{first.pk}/approve", format="json")
    assert (twice.status_code, twice.json()["code"]) == (409, "not_awaiting_approval")
    enrollments_stop(ids=[second.enrollment_id], reason="replied")
    for url in (f"/api/approvals/{second.pk}/reject", f"/api/approvals/{second.pk}"):
        method = api.post if url.endswith("reject") else api.patch
        body = {"reason": "late"} if url.endswith("reject") else {"subject": "Hello there"}
        answer = method(url, body, format="json")
        assert answer.status_code == 409, (url, answer.content)
        assert "cancelled" in answer.json()["detail"]


def test_reject_one_and_in_bulk(api: APIClient) -> None:
    a, b, c = _drafts(3)
    one = api.post(f"/api/approvals/{a.pk}/reject", {"reason": "wrong person"}, format="json")
    assert one.status_code == 200
    assert (one.json()["status"], one.json()["review_note"]) == ("rejected", "wrong person")

    bulk = api.post("/api/approvals/reject", {"ids": [a.pk, b.pk], "reason": "tone"}, format="json")
    assert bulk.json() == {
        "rejected": [b.pk],
        "skipped": [{"id": a.pk, "reason": "no longer awaiting approval (rejected)"}],
    }
    approved = api.post("/api/approvals/approve/", {"ids": [c.pk, 12345]}, format="json")
    assert approved.json() == {
        "approved": [c.pk],
        "skipped": [{"id": 12345, "reason": "not found"}],
    }
    assert dict(OutboundEmail.objects.values_list("pk", "status")) == {
        a.pk: "rejected",
        b.pk: "rejected",
        c.pk: "queued",
    }


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("{id}", {"subject": "Hi [First Name]"}, "subject"),
        ("{id}", {"body_text": "Too short"}, "body_text"),
        ("{id}", {"subject": ""}, "subject"),
        ("{id}", {"tone": "warm"}, "tone"),
        ("{id}/reject", {}, "reason"),
        ("{id}/reject", {"reason": "   "}, "reason"),
        ("{id}/approve", {"subject": "x" * 121}, "subject"),
        ("approve", {"ids": []}, "ids"),
        ("reject", {"ids": [1]}, "reason"),
        ("approve", {"ids": ["a"]}, "ids"),
    ],
)
def test_a_bad_request_is_a_400_naming_the_field(
    api: APIClient, path: str, body: dict[str, Any], field: str
) -> None:
    (email,) = _drafts()
    url = f"/api/approvals/{path.format(id=email.pk)}"
    answer = (
        api.patch(url, body, format="json")
        if path == "{id}"
        else api.post(url, body, format="json")
    )
    assert answer.status_code == 400, answer.content
    assert list(answer.json()["fields"]) == [field]
    email.refresh_from_db()
    assert email.status == "awaiting_approval"


def test_unknown_ids_are_404(api: APIClient) -> None:
    _drafts()
    for method, url in [
        ("get", "/api/approvals/999999"),
        ("patch", "/api/approvals/999999"),
        ("post", "/api/approvals/999999/approve"),
        ("post", "/api/approvals/999999/reject"),
    ]:
        body = {"reason": "x"} if url.endswith("reject") else {}
        answer = getattr(api, method)(url, body, format="json")
        assert (answer.status_code, answer.json()["code"]) == (404, "not_found"), url
    assert api.get("/api/approvals?campaign=abc").status_code == 400


def test_an_email_never_in_the_queue_is_not_an_approval(api: APIClient) -> None:
    with time_machine.travel(TUESDAY_10, tick=False):
        InboxFactory()
        enrolled(CampaignFactory())
        prepare_due(now=timezone.now())
    queued = OutboundEmail.objects.get()
    assert api.get(f"/api/approvals/{queued.pk}").status_code == 404
    assert api.post(f"/api/approvals/{queued.pk}/approve", format="json").status_code == 409


def test_reading_needs_a_viewer_and_deciding_an_operator(
    anon_client: APIClient, user_api: APIClient
) -> None:
    (email,) = _drafts()
    assert anon_client.get("/api/approvals").status_code == 401
    assert anon_client.post(f"/api/approvals/{email.pk}/approve").status_code == 401
    assert user_api.get("/api/approvals").status_code == 200
    assert user_api.get(f"/api/approvals/{email.pk}").status_code == 200
    for url, body in [
        (f"/api/approvals/{email.pk}/approve", {}),
        (f"/api/approvals/{email.pk}/reject", {}),  # the role before the body: 403, not 400
        ("/api/approvals/approve", {"ids": [email.pk]}),
        ("/api/approvals/reject", {"ids": [email.pk], "reason": "x"}),
    ]:
        assert user_api.post(url, body, format="json").status_code == 403, url
    assert user_api.patch(f"/api/approvals/{email.pk}", {}, format="json").status_code == 403
    email.refresh_from_db()
    assert email.status == "awaiting_approval"


def test_the_ledger_list_filters_by_the_new_status(api: APIClient) -> None:
    (email,) = _drafts()
    rows = api.get("/api/emails?status=awaiting_approval").json()["results"]
    assert [r["id"] for r in rows] == [email.pk]
    assert api.get("/api/emails?status=queued").json()["results"] == []


def test_the_schema_documents_the_approval_endpoints(api: APIClient) -> None:
    schema = api.get("/api/schema/", {"format": "json"}).json()
    paths = schema["paths"]
    for path in (
        "/api/approvals/",
        "/api/approvals/{id}/",
        "/api/approvals/{id}/approve/",
        "/api/approvals/{id}/reject/",
        "/api/approvals/approve/",
        "/api/approvals/reject/",
    ):
        assert path in paths, path
    assert {"409", "404"} <= set(paths["/api/approvals/{id}/approve/"]["post"]["responses"])
    assert "patch" in paths["/api/approvals/{id}/"]
    status_enum = [p for p in paths["/api/emails/"]["get"]["parameters"] if p["name"] == "status"]
    assert "awaiting_approval" in status_enum[0]["schema"]["enum"]


@pytest.mark.parametrize("value", ["abc", "0", "", "1.5"])
def test_a_bad_campaign_filter_is_a_400_naming_it(api: APIClient, value: str) -> None:
    answer = api.get(f"/api/approvals?campaign={value}")
    assert answer.status_code == 400
    assert list(answer.json()["fields"]) == ["campaign"]
