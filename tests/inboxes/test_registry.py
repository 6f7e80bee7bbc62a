"""Inboxes from the environment: initialize_inboxes, its API endpoint and its command."""

from __future__ import annotations

import io
import json
import os
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from rest_framework.test import APIClient

from core.errors import NotFound
from core.models import AuditLog
from inboxes.models import Inbox
from inboxes.services import get_inbox, initialize_inboxes
from tests.factories import InboxFactory

pytestmark = pytest.mark.django_db
URL = "/api/admin/initialize-inboxes"
ONE = "one@hotel-sender.test|first-secret-pw|smtp.hotel-sender.test|587|Ana at Jengu"
TWO = "two@other-sender.test|second-secret-pw|mail.other-sender.test|465|Rui"


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, settings: Any) -> pytest.MonkeyPatch:
    """No inbox in the environment unless the test puts one there."""
    for name in list(os.environ):
        if name.startswith("SMTP_INBOX_"):
            monkeypatch.delenv(name)
    for name in ("AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET", "AZURE_MAIL_FROM"):
        setattr(settings, name, "")
    return monkeypatch


def _report(api: APIClient) -> dict[str, list[str]]:
    response = api.post(URL)
    assert response.status_code == 200, response.content
    return response.json()


def test_environment_inboxes_are_created_then_left_unchanged(
    clean_env: pytest.MonkeyPatch, api: APIClient
) -> None:
    clean_env.setenv("SMTP_INBOX_1", ONE)
    clean_env.setenv("SMTP_INBOX_2", TWO)

    first = _report(api)
    assert {k: first[k] for k in ("created", "updated", "disabled", "unchanged")} == {
        "created": ["smtp-1", "smtp-2"],
        "updated": [],
        "disabled": [],
        "unchanged": [],
    }
    one = Inbox.objects.get(key="smtp-1")
    assert (one.source, one.provider, one.status) == ("env", "smtp", "active")
    assert (one.address, one.smtp_host, one.smtp_port) == (
        "one@hotel-sender.test",
        "smtp.hotel-sender.test",
        587,
    )
    assert (one.display_name, one.password) == ("Ana at Jengu", "first-secret-pw")

    second = _report(api)
    assert (second["created"], second["updated"], second["disabled"]) == ([], [], [])
    assert second["unchanged"] == ["smtp-1", "smtp-2"]
    assert Inbox.objects.count() == 2


def test_trailing_slash_serves_the_same_endpoint(
    clean_env: pytest.MonkeyPatch, api: APIClient
) -> None:
    clean_env.setenv("SMTP_INBOX_1", ONE)
    response = api.post(URL + "/")
    assert (response.status_code, response.json()["created"]) == (200, ["smtp-1"])


def test_changed_password_updates_the_stored_ciphertext(
    clean_env: pytest.MonkeyPatch, api: APIClient
) -> None:
    clean_env.setenv("SMTP_INBOX_1", ONE)
    _report(api)
    clean_env.setenv("SMTP_INBOX_1", ONE.replace("first-secret-pw", "rotated-secret-pw"))

    report = _report(api)

    assert report["updated"] == ["smtp-1"]
    inbox = Inbox.objects.get(key="smtp-1")
    assert inbox.password == "rotated-secret-pw"
    with connection.cursor() as cursor:
        cursor.execute("SELECT password FROM inboxes_inbox WHERE id = %s", [inbox.pk])
        [stored] = cursor.fetchone()
    assert stored.startswith("fernet:")
    assert "rotated-secret-pw" not in stored
    audit = AuditLog.objects.filter(action="inbox_updated").get()
    assert audit.detail == {"fields": ["password"]}
    assert "rotated-secret-pw" not in json.dumps(audit.detail)


def test_inbox_gone_from_the_environment_is_disabled_not_deleted(
    clean_env: pytest.MonkeyPatch, api: APIClient
) -> None:
    clean_env.setenv("SMTP_INBOX_1", ONE)
    clean_env.setenv("SMTP_INBOX_2", TWO)
    _report(api)
    clean_env.delenv("SMTP_INBOX_2")

    report = _report(api)

    assert (report["disabled"], report["unchanged"]) == (["smtp-2"], ["smtp-1"])
    assert Inbox.objects.get(key="smtp-2").status == "disabled"
    assert _report(api)["disabled"] == []  # already disabled: nothing to report

    clean_env.setenv("SMTP_INBOX_2", TWO)
    assert _report(api)["updated"] == ["smtp-2"]
    assert Inbox.objects.get(key="smtp-2").status == "active"


def test_admin_made_inboxes_are_untouched(clean_env: pytest.MonkeyPatch, api: APIClient) -> None:
    desk = InboxFactory(key="sales-desk", source=Inbox.Source.ADMIN, address="desk@jengu.test")
    clean_env.setenv("SMTP_INBOX_1", ONE)

    report = _report(api)

    assert "sales-desk" not in json.dumps(report)
    desk.refresh_from_db()
    assert (desk.status, desk.address, desk.source) == ("active", "desk@jengu.test", "admin")


def test_admin_inbox_holding_an_environment_key_is_not_overwritten(
    clean_env: pytest.MonkeyPatch, api: APIClient
) -> None:
    mine = InboxFactory(key="smtp-1", source=Inbox.Source.ADMIN, address="mine@jengu.test")
    clean_env.setenv("SMTP_INBOX_1", ONE)

    report = _report(api)

    assert (report["created"], report["updated"]) == ([], [])
    assert any("smtp-1" in error for error in report["errors"])
    mine.refresh_from_db()
    assert (mine.address, mine.source, mine.password) == ("mine@jengu.test", "admin", "")


@pytest.mark.parametrize(
    ("value", "complaint"),
    [
        ("only@two.test|fields", "email|password|host|port|displayName"),
        ("no-at-sign|pw|smtp.x.test|587|X", "bad email, host or port"),
        ("a@x.test|pw|smtp.x.test|port|X", "bad email, host or port"),
    ],
)
def test_malformed_inbox_is_reported_and_the_others_still_load(
    clean_env: pytest.MonkeyPatch, api: APIClient, value: str, complaint: str
) -> None:
    clean_env.setenv("SMTP_INBOX_1", ONE)
    clean_env.setenv("SMTP_INBOX_3", value)

    report = _report(api)

    assert report["created"] == ["smtp-1"]
    [error] = report["errors"]
    assert "SMTP_INBOX_3" in error and complaint in error
    assert not Inbox.objects.filter(key="smtp-3").exists()


def test_malformed_imap_override_is_reported_not_a_crash(
    clean_env: pytest.MonkeyPatch, api: APIClient
) -> None:
    clean_env.setenv("SMTP_INBOX_1", ONE)
    clean_env.setenv("SMTP_INBOX_1_IMAP", "imap.hotel-sender.test|not-a-port")

    report = _report(api)

    assert report["created"] == []
    [error] = report["errors"]
    assert "SMTP_INBOX_1_IMAP" in error


def test_imap_host_defaults_from_the_smtp_host_and_can_be_overridden(
    clean_env: pytest.MonkeyPatch,
) -> None:
    clean_env.setenv("SMTP_INBOX_1", ONE)
    clean_env.setenv("SMTP_INBOX_2", TWO)
    clean_env.setenv("SMTP_INBOX_2_IMAP", "imap.elsewhere.test|143")

    initialize_inboxes()

    one, two = Inbox.objects.get(key="smtp-1"), Inbox.objects.get(key="smtp-2")
    assert (one.imap_host, one.imap_port) == ("imap.hotel-sender.test", 993)
    assert (two.imap_host, two.imap_port) == ("imap.elsewhere.test", 143)


def test_secret_can_come_from_a_file(clean_env: pytest.MonkeyPatch, tmp_path: Any) -> None:
    secret = tmp_path / "smtp_inbox_4"
    secret.write_text(ONE + "\n")
    clean_env.setenv("SMTP_INBOX_4_FILE", str(secret))

    assert initialize_inboxes().created == ["smtp-4"]
    assert Inbox.objects.get(key="smtp-4").password == "first-secret-pw"


def test_azure_mailbox_becomes_the_graph_inbox(settings: Any, api: APIClient) -> None:
    settings.AZURE_TENANT_ID = "5f1c2a9e-0b7d-4e4b-9c53-6a2f8d1e7b40"
    settings.AZURE_CLIENT_ID = "0a6d3c52-8e1f-4f2a-b7c9-3d5e6f7a8b90"
    settings.AZURE_CLIENT_SECRET = "azure-client-secret-value"
    settings.AZURE_MAIL_FROM = "outreach@jengu.test"

    assert _report(api)["created"] == ["graph"]
    inbox = Inbox.objects.get(key="graph")
    assert (inbox.provider, inbox.address, inbox.source) == ("graph", "outreach@jengu.test", "env")
    assert _report(api)["unchanged"] == ["graph"]

    settings.AZURE_MAIL_FROM = ""
    assert _report(api)["disabled"] == ["graph"]


def test_initialize_needs_an_admin_token(user_api: APIClient, anon_client: APIClient) -> None:
    assert user_api.post(URL).status_code == 403
    assert anon_client.post(URL).status_code in (401, 403)


def test_command_prints_the_report(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("SMTP_INBOX_1", ONE)
    clean_env.setenv("SMTP_INBOX_2", "broken")

    out = io.StringIO()
    call_command("initialize_inboxes", stdout=out)
    lines = out.getvalue().splitlines()
    assert "created: smtp-1" in lines
    assert any(line.startswith("errors: SMTP_INBOX_2") for line in lines)

    out = io.StringIO()
    call_command("initialize_inboxes", "--json", stdout=out)
    report = json.loads(out.getvalue())
    assert (report["created"], report["unchanged"]) == ([], ["smtp-1"])
    assert "first-secret-pw" not in out.getvalue()


def test_command_says_so_when_the_environment_has_no_inbox() -> None:
    out = io.StringIO()
    call_command("initialize_inboxes", stdout=out)
    assert "No inboxes in the environment" in out.getvalue()


def test_get_inbox_accepts_the_key_or_the_numeric_id() -> None:
    inbox = InboxFactory(key="smtp-7")
    assert get_inbox("smtp-7") == inbox
    assert get_inbox(inbox.pk) == inbox
    assert get_inbox(str(inbox.pk)) == inbox
    with pytest.raises(NotFound):
        get_inbox("smtp-8")
