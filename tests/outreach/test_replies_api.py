"""GET /api/replies (filters, cursor pages), GET|PATCH /api/replies/{id}, POST .../answer."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from inboxes.models import Inbox
from outreach import tasks
from outreach.models import InboundMessage, OutboundEmail
from prospects.models import Prospect
from tests.factories import InboxFactory
from tests.outreach.helpers import TUESDAY_10, parsed
from tests.outreach.replies_world import reply_to, sent_and_replied

pytestmark = pytest.mark.django_db
LATER = TUESDAY_10 + timedelta(hours=2)


def _orphan(inbox: Inbox, n: int, **fields: object) -> InboundMessage:
    return InboundMessage.objects.create(
        inbox=inbox,
        message_id=f"<o{n}@elsewhere.example>",
        from_address=f"someone{n}@elsewhere.example",
        subject=f"Question {n}",
        body_text="Hello?",
        kind=fields.pop("kind", InboundMessage.Kind.REPLY),
        intent=fields.pop("intent", "unclear"),
        **fields,
    )


def test_the_list_has_replies_only_newest_first_with_their_facts(
    api, smtp_server, settings
) -> None:
    t = sent_and_replied(smtp_server, settings)
    _orphan(t.inbox, 1, kind=InboundMessage.Kind.AUTO_REPLY, intent="out_of_office")
    _orphan(t.inbox, 2, kind=InboundMessage.Kind.BOUNCE, intent="")
    newest = _orphan(t.inbox, 3)
    page = api.get("/api/replies").json()
    assert set(page) == {"next", "previous", "results"}
    assert [r["id"] for r in page["results"]] == [newest.pk, t.reply.pk]
    row = page["results"][1]
    assert row["intent"] == "interested" and row["read"] is False
    assert row["inbox"] == t.inbox.key
    assert row["campaign"]["id"] == t.enrollment.campaign_id
    assert row["prospect"] == t.enrollment.prospect_id
    assert row["prospect_name"] == t.enrollment.prospect.name
    assert api.get("/api/replies/").status_code == 200  # with or without the slash


def test_filters_narrow_the_list(api, smtp_server, settings) -> None:
    t = sent_and_replied(smtp_server, settings)
    other = InboxFactory(key="other-box")
    not_interested = _orphan(other, 1, intent="not_interested", prospect=t.enrollment.prospect)
    unread_orphan = _orphan(other, 2)

    def ids(query: str) -> set[int]:
        response = api.get(f"/api/replies?{query}")
        assert response.status_code == 200, response.json()
        return {r["id"] for r in response.json()["results"]}

    assert ids("intent=interested") == {t.reply.pk}
    assert ids("inbox=other-box") == {not_interested.pk, unread_orphan.pk}
    assert ids(f"inbox={t.inbox.pk}") == {t.reply.pk}
    assert ids("inbox=no-such-inbox") == set() == ids("campaign=987654")
    assert ids(f"campaign={t.enrollment.campaign_id}") == {t.reply.pk}
    assert ids("needs_human=true") == {t.reply.pk, unread_orphan.pk}
    assert ids("needs_human=false") == {not_interested.pk}
    api.patch(f"/api/replies/{t.reply.pk}", {"read": True}, format="json")
    assert ids("unread=true") == {not_interested.pk, unread_orphan.pk}
    assert ids("unread=false") == {t.reply.pk}


# A bad filter value is a 400 naming it: tests/ops/test_schema.py lists the replies' cases.


def test_cursor_pages_walk_every_reply_once(api) -> None:
    inbox = InboxFactory()
    made = [_orphan(inbox, n) for n in range(5)]
    seen, url = [], "/api/replies?page_size=2"
    while url:
        page = api.get(url).json()
        seen += [r["id"] for r in page["results"]]
        url = page["next"]
    assert seen == [m.pk for m in reversed(made)]


def test_the_detail_is_the_thread_and_the_prospect_card(api, smtp_server, settings) -> None:
    t = sent_and_replied(smtp_server, settings)
    body = api.get(f"/api/replies/{t.reply.pk}").json()
    assert [(e["direction"], e["label"]) for e in body["thread"]] == [
        ("outbound", "Step 1"),
        ("inbound", "Reply"),
    ]
    assert body["thread"][1]["quoted"].startswith("On Tue")
    assert body["prospect_card"]["name"] == t.enrollment.prospect.name
    assert body["prospect_card"]["stage"] == "engaged"
    missing = api.get("/api/replies/999999")
    assert (missing.status_code, missing.json()["code"]) == (404, "reply_not_found")
    bounce = _orphan(t.inbox, 9, kind=InboundMessage.Kind.BOUNCE)
    assert api.get(f"/api/replies/{bounce.pk}").status_code == 404  # not a reply


def test_patch_reads_snoozes_and_corrects(api, smtp_server, settings) -> None:
    t = sent_and_replied(smtp_server, settings)
    url = f"/api/replies/{t.reply.pk}/"
    with time_machine.travel(LATER, tick=False):
        answer = api.patch(url, {"read": True}, format="json")
        assert answer.status_code == 200 and answer.json()["read"] is True
        until = (LATER + timedelta(days=2)).isoformat()
        snoozed = api.patch(url, {"snoozed_until": until}, format="json").json()
        assert snoozed["snoozed_until"] is not None and snoozed["read"] is False
        corrected = api.patch(url, {"intent": "meeting_request"}, format="json").json()
    assert corrected["intent"] == "meeting_request" and corrected["intent_corrected"] is True
    assert corrected["classifier_intent"] == "interested"
    assert corrected["corrected_by"] == "operator"
    assert Prospect.objects.get(pk=t.enrollment.prospect_id).stage == "meeting"
    (label,) = api.get("/api/replies/labels").json()["results"]
    assert (label["id"], label["intent"], label["predicted"]) == (
        t.reply.pk,
        "meeting_request",
        "interested",
    )


@pytest.mark.parametrize(
    ("body", "name"),
    [
        ({"intent": "happy"}, "intent"),
        ({"read": "yes"}, "read"),
        ({"snoozed_until": "tomorrow"}, "snoozed_until"),
        ({"reed": True}, "reed"),
    ],
)
def test_a_bad_patch_is_a_400_naming_the_field(api, smtp_server, settings, body, name) -> None:
    t = sent_and_replied(smtp_server, settings)
    response = api.patch(f"/api/replies/{t.reply.pk}", body, format="json")
    assert response.status_code == 400, response.content
    assert list(response.json()["fields"]) == [name]


def test_answer_is_202_with_the_queued_email_and_reaches_the_server(
    api, smtp_server, settings
) -> None:
    t = sent_and_replied(smtp_server, settings)
    with time_machine.travel(LATER, tick=False):
        response = api.post(
            f"/api/replies/{t.reply.pk}/answer", {"body": "Tuesday at 10:00?"}, format="json"
        )
    assert response.status_code == 202, response.content
    queued = response.json()
    assert queued["status"] == "queued"
    assert queued["from_address"] == t.inbox.address
    assert queued["in_reply_to"] == t.reply.message_id
    assert queued["subject"] == f"Re: {t.first.subject}"
    with time_machine.travel(LATER, tick=False):
        tasks.send_answer(queued["id"])
    assert OutboundEmail.objects.get(pk=queued["id"]).status == "sent"
    assert parsed(smtp_server.messages[-1].raw)["In-Reply-To"] == t.reply.message_id
    empty = api.post(f"/api/replies/{t.reply.pk}/answer", {"body": ""}, format="json")
    assert (empty.status_code, list(empty.json()["fields"])) == (400, ["body"])
    broken = {"body": "Hi", "subject": "Re: x\nBcc: everyone@example.com"}
    injected = api.post(f"/api/replies/{t.reply.pk}/answer", broken, format="json")
    assert (injected.status_code, list(injected.json()["fields"])) == (400, ["subject"])
    nowhere = api.post("/api/replies/999999/answer", {"body": "Hi"}, format="json")
    assert nowhere.status_code == 404


def test_suggest_gives_a_draft_to_start_from(api, smtp_server, settings) -> None:
    t = sent_and_replied(smtp_server, settings)
    draft = api.post(f"/api/replies/{t.reply.pk}/suggest").json()
    assert draft["provider"] == "offline" and draft["subject"] == f"Re: {t.first.subject}"


def test_without_auth_401_and_a_viewer_only_reads(anon_client, user_api, smtp_server, settings):
    t = sent_and_replied(smtp_server, settings)
    for url in ("/api/replies", f"/api/replies/{t.reply.pk}"):
        assert anon_client.get(url).status_code == 401
    assert user_api.get("/api/replies").status_code == 200
    assert (
        user_api.patch(f"/api/replies/{t.reply.pk}", {"read": True}, format="json").status_code
        == 403
    )
    denied = user_api.post(f"/api/replies/{t.reply.pk}/answer", {"body": "x"}, format="json")
    assert denied.status_code == 403
    assert anon_client.post(f"/api/replies/{t.reply.pk}/answer", {"body": "x"}).status_code == 401
    assert not OutboundEmail.objects.filter(strategy="answer").exists()


def test_a_second_reply_in_the_thread_answers_on_its_own_message_id(api, smtp_server, settings):
    t = sent_and_replied(smtp_server, settings)
    second = reply_to(t.first, t.inbox, "And what does it cost?", msgid="<r2@hotel.example>")
    with time_machine.travel(LATER, tick=False):
        queued = api.post(f"/api/replies/{second.pk}/answer", {"body": "Here."}, format="json")
    assert queued.json()["in_reply_to"] == "<r2@hotel.example>"
    assert queued.json()["references"].split()[-1] == "<r2@hotel.example>"
