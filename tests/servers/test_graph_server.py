"""The fake identity platform + Graph, driven through msal and httpx like Jengu's Graph client."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage

import httpx
import msal
import pytest

from tests.servers import certs
from tests.servers.graph import GRAPH_SCOPE, GraphTestServer, msal_http_client

MAILBOX = "outreach@jengu.test"


def _app(graph: GraphTestServer, secret: str | None = None) -> msal.ConfidentialClientApplication:
    return msal.ConfidentialClientApplication(
        graph.client_id,
        client_credential=secret or graph.client_secret,
        authority=graph.authority,
        instance_discovery=False,
        http_client=msal_http_client(),
    )


def _mime(message_id: str, subject: str = "Rooms for your guests") -> bytes:
    msg = EmailMessage()
    msg["From"] = MAILBOX
    msg["To"] = "gm@hotel-a.test"
    msg["Subject"] = subject
    msg["Message-ID"] = message_id
    msg["List-Unsubscribe"] = "<https://jengu.test/u/tok>"
    msg.set_content("Hello from Jengu\n")
    return msg.as_bytes()


@pytest.fixture
def graph(graph_server: GraphTestServer) -> Iterator[httpx.Client]:
    token = _app(graph_server).acquire_token_for_client(scopes=[GRAPH_SCOPE])["access_token"]
    with httpx.Client(
        base_url=f"{graph_server.graph_base_url}/users/{MAILBOX}",
        headers={"Authorization": f"Bearer {token}"},
        verify=certs.client_context(),
        timeout=5,
    ) as client:
        yield client


def _send(graph: httpx.Client, raw: bytes) -> httpx.Response:
    body = base64.b64encode(raw)
    return graph.post("/sendMail", content=body, headers={"Content-Type": "text/plain"})


def test_msal_gets_a_token_and_then_serves_it_from_its_cache(graph_server: GraphTestServer) -> None:
    app = _app(graph_server)
    first = app.acquire_token_for_client(scopes=[GRAPH_SCOPE])
    second = app.acquire_token_for_client(scopes=[GRAPH_SCOPE])

    assert first["token_type"] == "Bearer"
    assert first["token_source"] == "identity_provider"
    assert second["token_source"] == "cache"
    assert second["access_token"] == first["access_token"]
    assert graph_server.token_requests == 1


def test_wrong_client_secret_gets_azure_invalid_client(graph_server: GraphTestServer) -> None:
    result = _app(graph_server, secret="not-the-secret").acquire_token_for_client(
        scopes=[GRAPH_SCOPE]
    )
    assert result["error"] == "invalid_client"
    assert result["error_codes"] == [7000215]
    assert "access_token" not in result


def test_sendmail_mime_lands_in_sent_items_byte_for_byte(
    graph_server: GraphTestServer, graph: httpx.Client
) -> None:
    raw = _mime("<step1.7@jengu.test>")
    response = _send(graph, raw)

    assert (response.status_code, response.content) == (202, b"")
    [sent] = graph_server.sent_items(MAILBOX)
    assert sent.raw == raw
    assert sent.internet_message_id == "<step1.7@jengu.test>"
    assert sent.parsed["List-Unsubscribe"] == "<https://jengu.test/u/tok>"


def test_sent_item_is_found_by_internet_message_id(graph: httpx.Client) -> None:
    _send(graph, _mime("<other@jengu.test>"))
    _send(graph, _mime("<it's-me@jengu.test>"))
    response = graph.get(
        "/mailFolders/sentitems/messages",
        params={
            "$filter": "internetMessageId eq '<it''s-me@jengu.test>'",
            "$select": "id,internetMessageId",
        },
    )
    [found] = response.json()["value"]
    assert found["internetMessageId"] == "<it's-me@jengu.test>"
    assert set(found) == {"@odata.etag", "id", "internetMessageId"}

    mime = graph.get(f"/messages/{found['id']}/$value")
    assert mime.content == _mime("<it's-me@jengu.test>")


def test_lookup_of_a_message_never_sent_is_empty(graph: httpx.Client) -> None:
    _send(graph, _mime("<sent@jengu.test>"))
    response = graph.get(
        "/mailFolders/sentitems/messages",
        params={"$filter": "internetMessageId eq '<lost@jengu.test>'"},
    )
    assert response.json()["value"] == []


def test_inbox_filters_by_received_time_and_pages_with_next_link(
    graph_server: GraphTestServer, graph: httpx.Client
) -> None:
    start = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    for n in range(5):
        raw = _mime(f"<reply{n}@hotel-a.test>", subject=f"Re: {n}")
        graph_server.deliver_to_inbox(MAILBOX, raw, received_at=start + timedelta(hours=n))

    url = "/mailFolders/inbox/messages"
    params: dict[str, str] | None = {
        "$filter": "receivedDateTime ge 2026-03-02T10:00:00Z",
        "$orderby": "receivedDateTime desc",
        "$top": "2",
    }
    subjects, pages = [], 0
    while url:
        body = graph.get(url, params=params).json()
        subjects += [m["subject"] for m in body["value"]]
        url, params, pages = body.get("@odata.nextLink", ""), None, pages + 1

    assert subjects == ["Re: 4", "Re: 3", "Re: 2", "Re: 1"]
    assert pages == 2
    first = graph.get("/mailFolders/inbox/messages", params={"$top": "1"}).json()["value"][0]
    assert first["from"] == {"emailAddress": {"name": MAILBOX, "address": MAILBOX}}
    assert first["internetMessageId"] == "<reply4@hotel-a.test>"


def test_orderby_outside_the_filter_is_refused_like_exchange(graph: httpx.Client) -> None:
    response = graph.get(
        "/mailFolders/inbox/messages",
        params={"$filter": "isRead eq false", "$orderby": "receivedDateTime desc"},
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "InefficientFilter"


def test_scripted_429_carries_retry_after_and_is_used_once(
    graph_server: GraphTestServer, graph: httpx.Client
) -> None:
    graph_server.fail_next(429, headers={"Retry-After": "7"})

    throttled = _send(graph, _mime("<first@jengu.test>"))
    assert throttled.status_code == 429
    assert throttled.headers["Retry-After"] == "7"
    assert throttled.json()["error"]["code"] == "ApplicationThrottled"
    assert _send(graph, _mime("<first@jengu.test>")).status_code == 202
    assert len(graph_server.sent_items(MAILBOX)) == 1


def test_scripted_graph_error_body_is_returned_as_given(
    graph_server: GraphTestServer, graph: httpx.Client
) -> None:
    error = {"error": {"code": "ErrorInvalidRecipients", "message": "Recipient not resolved."}}
    graph_server.fail_next(400, error)

    response = _send(graph, _mime("<bad@jengu.test>"))
    assert (response.status_code, response.json()) == (400, error)
    assert graph_server.sent_items(MAILBOX) == []


def test_missing_or_expired_token_gets_401(
    graph_server: GraphTestServer, graph: httpx.Client
) -> None:
    anonymous = httpx.get(
        f"{graph_server.graph_base_url}/users/{MAILBOX}/mailFolders/inbox/messages",
        verify=certs.client_context(),
    )
    assert anonymous.status_code == 401
    assert anonymous.json()["error"]["code"] == "InvalidAuthenticationToken"

    graph_server.expire_tokens()
    expired = _send(graph, _mime("<late@jengu.test>"))
    assert expired.status_code == 401
    assert "expired" in expired.json()["error"]["message"]


def test_body_that_is_not_base64_is_refused(graph: httpx.Client) -> None:
    response = graph.post(
        "/sendMail", content=b"From: x\r\n\r\nraw MIME", headers={"Content-Type": "text/plain"}
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "ErrorMimeContentInvalidBase64String"
