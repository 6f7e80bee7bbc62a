"""No secret ever appears in a response or a log line.

A send (through the API, with the inbox from SMTP_INBOX_1, the AI providers' real SDKs failing
over to one another) and a reply check (IMAP, the AI classifier) run with known passwords and
keys while every log record of every logger is captured at DEBUG; then the responses and the
log lines are searched for those values (and the SMTP AUTH forms of the password).
"""

from __future__ import annotations

import base64
import io
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from cryptography.fernet import Fernet
from django.test import Client
from django_q.conf import Conf

from core.logging import formatter
from inboxes.models import Inbox
from outreach import tasks as outreach_tasks
from outreach.models import InboundMessage, OutboundEmail
from tests.factories import ContactFactory
from tests.inbound import messages
from tests.servers.llm import AnthropicFake, OpenAIFake

pytestmark = pytest.mark.django_db

PASSWORD = "Mailbox-Secret-7Qv2x9"  # the mailbox's SMTP and IMAP password
KEYS = {
    "GROK_API_KEY": "xai-SECRET-grok-5b2e81",
    "ANTHROPIC_API_KEY": "sk-ant-SECRET-8c3d44",
    "OPENAI_API_KEY": "sk-SECRET-openai-1a7f09",
    "HUNTER_API_KEY": "SECRET-hunter-4410aa",
    "APOLLO_API_KEY": "SECRET-apollo-77c1be",
    "MILLIONVERIFIER_API_KEY": "SECRET-mv-02d9f3",
    "GOOGLE_PLACES_API_KEY": "SECRET-places-9e8d7c",
    "AZURE_CLIENT_SECRET": "SECRET-azure-3f3f3f",
    "SECRET_KEY": "SECRET-django-key-" + "q" * 40,
}
JENGU_SECRETS = {
    "METRICS_TOKEN": "SECRET-metrics-token-61",
    "ALERT_WEBHOOK_SECRET": "SECRET-webhook-hmac-52",
}
# Test servers that run inside this process log what *they* receive; they are not Jengu.
NOT_JENGU = ("mail.log", "werkzeug", "tests.")
DRAFT = {
    "subject": "Guest emails at Hotel Lima",
    "body": "Hello Ana,\n\nWould a 15-minute call about answering guest emails help?\n\nRui",
}


@dataclass
class Captured:
    stream: io.StringIO = field(default_factory=io.StringIO)
    raw: list[str] = field(default_factory=list)
    responses: list[str] = field(default_factory=list)

    def keep(self, response: Any) -> Any:
        headers = "\n".join(f"{k}: {v}" for k, v in response.items())
        body = b"".join(response.streaming_content) if response.streaming else response.content
        self.responses.append(headers + "\n\n" + body.decode("utf-8", "replace"))
        return response


class _RawHandler(logging.Handler):
    """Keeps each record's text before any redaction, tracebacks included."""

    def __init__(self, sink: list[str]) -> None:
        super().__init__(logging.DEBUG)
        self.sink = sink

    def emit(self, record: logging.LogRecord) -> None:
        if record.name.startswith(NOT_JENGU):
            return
        text = record.getMessage() + " " + repr(record.__dict__)
        if record.exc_info:
            text += logging.Formatter().formatException(record.exc_info)
        self.sink.append(text)


@pytest.fixture
def captured() -> Iterator[Captured]:
    out = Captured()
    formatted = logging.StreamHandler(out.stream)
    formatted.addFilter(lambda r: not r.name.startswith(NOT_JENGU))
    formatted.setFormatter(formatter())
    handlers = [formatted, _RawHandler(out.raw)]
    # every logger the settings quiet down speaks at DEBUG for this test
    quiet = [logging.getLogger()] + [logging.getLogger(n) for n in logging.root.manager.loggerDict]
    levels = {lg: lg.level for lg in quiet}
    for lg in quiet:
        lg.setLevel(logging.DEBUG)
    for handler in handlers:
        logging.getLogger().addHandler(handler)
    try:
        yield out
    finally:
        for handler in handlers:
            logging.getLogger().removeHandler(handler)
        for lg, level in levels.items():
            lg.setLevel(level)


def _forms(secret: str, username: str) -> set[str]:
    """The secret and the ways SMTP AUTH writes it on the wire."""
    plain = base64.b64encode(f"\0{username}\0{secret}".encode()).decode()
    return {secret, base64.b64encode(secret.encode()).decode(), plain}


def _assert_clean(captured: Captured, secrets: dict[str, str], username: str) -> None:
    lines = captured.stream.getvalue()
    assert lines.count("\n") > 20  # the capture really saw the run
    for name, value in secrets.items():
        for form in _forms(value, username):
            assert form not in lines, f"{name} in a log line"
            assert not any(form in text for text in captured.raw), f"{name} in a log record"
            assert not any(form in text for text in captured.responses), f"{name} in a response"


@pytest.fixture
def llms(settings: Any) -> Iterator[dict[str, Any]]:
    with (
        OpenAIFake(api_key=KEYS["GROK_API_KEY"], vendor="xai") as grok,
        AnthropicFake(api_key=KEYS["ANTHROPIC_API_KEY"]) as anthropic,
        OpenAIFake(api_key=KEYS["OPENAI_API_KEY"]) as openai,
    ):
        settings.GROK_BASE_URL = grok.base_url
        settings.ANTHROPIC_BASE_URL = anthropic.url
        settings.OPENAI_BASE_URL = openai.base_url
        yield {"grok": grok, "anthropic": anthropic, "openai": openai}


@pytest.fixture
def known_secrets(settings: Any, monkeypatch: pytest.MonkeyPatch, imap_server: Any,
                  smtp_server_factory: Any, llms: dict[str, Any]) -> dict[str, Any]:  # fmt: skip
    for name, value in KEYS.items():
        setattr(settings, name, value)
    settings.FIELD_ENCRYPTION_KEY = Fernet.generate_key().decode()
    settings.JENGU = {**settings.JENGU, **JENGU_SECRETS, "SEND_HOURS": "0-24",
                      "SEND_DAYS": "mon-sun", "AI_PROVIDER_ORDER": ["grok", "anthropic", "openai"],
                      "AI_TIMEOUT": 5.0}  # fmt: skip
    user = imap_server.add_user(f"sales-{id(settings) % 10**6}@jengu.test", PASSWORD)
    smtp = smtp_server_factory(username=user.name, password=PASSWORD)
    settings.JENGU = {**settings.JENGU, "SMTP_CA_FILE": smtp.ca_file}
    monkeypatch.setenv("SMTP_INBOX_1", smtp.inbox_env("Jengu Sales"))
    monkeypatch.setenv("SMTP_INBOX_1_IMAP", f"{user.host}|{user.port}")
    secrets = {**KEYS, **JENGU_SECRETS, "FIELD_ENCRYPTION_KEY": settings.FIELD_ENCRYPTION_KEY,
               "mailbox password": PASSWORD}  # fmt: skip
    return {"secrets": secrets, "smtp": smtp, "imap": user}


def _admin(django_user_model: Any) -> Client:
    admin = django_user_model.objects.create_superuser("root", password="pw-root-123456")
    client = Client()
    client.force_login(admin)
    return client


def _send_one(api: Any, captured: Captured, llms: dict[str, Any]) -> OutboundEmail:
    keep = captured.keep
    assert keep(api.post("/api/admin/initialize-inboxes", {}, format="json")).status_code == 200
    contact = ContactFactory(prospect__name="Hotel Lima", name="Ana Sousa")
    llms["grok"].fail(500)  # the writer falls over from provider to provider, logging each
    llms["anthropic"].fail(401, message="invalid x-api-key")
    llms["openai"].reply_json(DRAFT)
    queued = keep(api.post("/api/send-email", {"prospectId": contact.prospect_id}, format="json"))
    assert queued.status_code == 202, queued.content
    sent = keep(api.post("/api/admin/trigger-send", {"count": 1}, format="json"))
    assert sent.json()["sent"] == 1, sent.content
    return OutboundEmail.objects.get(pk=queued.json()["id"])


def test_a_send_leaks_no_secret(api, django_user_model, known_secrets, captured, llms) -> None:
    email = _send_one(api, captured, llms)
    assert email.ai_provider == "openai" and len(known_secrets["smtp"].messages) == 1
    assert known_secrets["smtp"].messages[0].login == known_secrets["imap"].name

    keep = captured.keep
    for url in ("/api/status/inboxes", "/api/status/warmup", "/api/emails",
                "/api/status/rate-limits", "/api/admin/dead-letters", "/health"):  # fmt: skip
        keep(api.get(url))
    keep(Client().get("/metrics", HTTP_AUTHORIZATION=f"Bearer {JENGU_SECRETS['METRICS_TOKEN']}"))
    admin = _admin(django_user_model)
    inbox = Inbox.objects.get(key="smtp-1")
    for url in (
        f"/admin/inboxes/inbox/{inbox.pk}/change/",
        "/admin/inboxes/inbox/",
        f"/admin/outreach/outboundemail/{email.pk}/change/",
        "/admin/aiengine/aiusage/",
    ):
        assert keep(admin.get(url)).status_code == 200, url
    _assert_clean(captured, known_secrets["secrets"], known_secrets["imap"].name)


def test_a_reply_check_leaks_no_secret(
    api, known_secrets, captured, llms, monkeypatch, django_capture_on_commit_callbacks
) -> None:
    email = _send_one(api, captured, llms)
    known_secrets["imap"].server.append(
        known_secrets["imap"].name,
        messages.plain_reply(frm=email.recipient, to=email.from_address, subject=email.subject,
                             in_reply_to=email.message_id,
                             body="Let me think about it and get back to you after the season."),
    )  # fmt: skip
    monkeypatch.setattr(Conf, "SYNC", True)  # the fanned-out per-inbox task runs right here
    with django_capture_on_commit_callbacks(execute=True):
        outreach_tasks.check_replies()

    reply = InboundMessage.objects.get()
    assert (reply.kind, reply.matched_outbound_id) == ("reply", email.pk)
    assert sum(len(fake.requests) for fake in llms.values()) > 3  # the classifier asked too
    _assert_clean(captured, known_secrets["secrets"], known_secrets["imap"].name)
