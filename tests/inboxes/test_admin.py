"""The inbox admin as an operator uses it: write-only password, pause/resume actions, filters."""

from __future__ import annotations

from datetime import UTC, datetime
from html.parser import HTMLParser
from typing import Any

import pytest
import time_machine
from django.db import connection, transaction
from django.test import Client
from django.utils import timezone

from core.models import Alert, AuditLog
from inboxes.models import Inbox
from inboxes.services import warmup_reserve
from tests.factories import InboxFactory

pytestmark = pytest.mark.django_db
SECRET = "stored-smtp-secret-42"
CHANGELIST = "/admin/inboxes/inbox/"


class _FormReader(HTMLParser):
    """What a browser would submit from the change form, before the user types anything."""

    def __init__(self) -> None:
        super().__init__()
        self.data: dict[str, str] = {}
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        name = a.get("name", "")
        if tag == "input" and name and "__prefix__" not in name:
            kind = a.get("type", "text")
            if kind == "checkbox":
                if "checked" in a:
                    self.data[name] = "on"
            elif kind != "submit":
                self.data[name] = a.get("value", "")
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in a:
            self.data[self._select] = a.get("value", "")
        elif tag == "textarea" and name:
            self._textarea, self.data[name] = name, ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.data[self._textarea] += data


def _change_url(inbox: Inbox) -> str:
    return f"{CHANGELIST}{inbox.pk}/change/"


def _form(client: Client, url: str) -> dict[str, str]:
    response = client.get(url)
    assert response.status_code == 200
    reader = _FormReader()
    reader.feed(response.content.decode())
    return reader.data


def _smtp_inbox(**fields: Any) -> Inbox:
    return InboxFactory(
        key="smtp-1", provider=Inbox.Provider.SMTP, smtp_host="smtp.jengu.test", **fields
    )


def _stored_password(inbox: Inbox) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT password FROM inboxes_inbox WHERE id = %s", [inbox.pk])
        return str(cursor.fetchone()[0])


# --- the password is write-only -----------------------------------------------------------
def test_change_page_never_renders_the_password(admin_client: Client) -> None:
    inbox = _smtp_inbox(password=SECRET)
    with transaction.atomic():
        warmup_reserve(inbox=inbox, now=timezone.now())  # an inline day row on the page too

    response = admin_client.get(_change_url(inbox))

    assert response.status_code == 200
    page = response.content.decode()
    assert SECRET not in page
    assert _stored_password(inbox) not in page  # nor its ciphertext
    assert 'type="password" name="password"' in page
    assert _form(admin_client, _change_url(inbox))["password"] == ""


def test_saving_with_an_empty_password_keeps_the_stored_one(admin_client: Client) -> None:
    inbox = _smtp_inbox(password=SECRET)
    with transaction.atomic():
        warmup_reserve(inbox=inbox, now=timezone.now())
    data = _form(admin_client, _change_url(inbox))
    data["display_name"] = "Renamed Sender"

    response = admin_client.post(_change_url(inbox), data)

    assert response.status_code == 302, response.content.decode()[:2000]
    inbox.refresh_from_db()
    assert (inbox.display_name, inbox.password) == ("Renamed Sender", SECRET)


def test_typing_a_new_password_replaces_it_encrypted(admin_client: Client) -> None:
    inbox = _smtp_inbox(password=SECRET)
    data = {**_form(admin_client, _change_url(inbox)), "password": "brand-new-secret"}

    assert admin_client.post(_change_url(inbox), data).status_code == 302

    inbox.refresh_from_db()
    assert inbox.password == "brand-new-secret"
    assert _stored_password(inbox).startswith("fernet:")
    assert "brand-new-secret" not in _stored_password(inbox)
    assert "brand-new-secret" not in admin_client.get(_change_url(inbox)).content.decode()


def test_an_inbox_added_in_the_admin_is_an_admin_inbox(admin_client: Client) -> None:
    data = _form(admin_client, f"{CHANGELIST}add/")
    data.update(
        key="sales-desk",
        provider="smtp",
        address="desk@jengu.test",
        smtp_host="smtp.jengu.test",
        password="desk-secret",
        timezone="Europe/Lisbon",
    )

    response = admin_client.post(f"{CHANGELIST}add/", data)

    assert response.status_code == 302, response.content.decode()[:2000]
    inbox = Inbox.objects.get(key="sales-desk")
    assert (inbox.source, inbox.status, inbox.password) == ("admin", "active", "desk-secret")


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("warmup_schedule", "5,ten,15", "comma-separated list of counts"),
        ("timezone", "Europe/Lisbn", "not a known time zone"),
    ],
)
def test_bad_warmup_settings_are_refused_in_the_form(
    admin_client: Client, field: str, value: str, error: str
) -> None:
    inbox = _smtp_inbox(password=SECRET)
    data = {**_form(admin_client, _change_url(inbox)), field: value}

    response = admin_client.post(_change_url(inbox), data)

    assert response.status_code == 200  # the form again, with the error
    assert error in response.content.decode()
    inbox.refresh_from_db()
    assert getattr(inbox, field) != value


# --- pause and resume from the changelist --------------------------------------------------
def _action(client: Client, action: str, inboxes: list[Inbox]) -> Any:
    data = {"action": action, "_selected_action": [str(i.pk) for i in inboxes]}
    return client.post(CHANGELIST, data, follow=True)


def test_pause_action_pauses_the_selected_inboxes(admin_client: Client, admin_user: Any) -> None:
    first, second = InboxFactory(), InboxFactory()
    untouched = InboxFactory()

    response = _action(admin_client, "pause", [first, second])

    assert response.status_code == 200
    assert "Paused 2 inbox(es)." in response.content.decode()
    statuses = dict(Inbox.objects.values_list("pk", "status"))
    assert (statuses[first.pk], statuses[second.pk], statuses[untouched.pk]) == (
        "paused",
        "paused",
        "active",
    )
    first.refresh_from_db()
    assert first.pause_reason == "paused in the admin"
    audits = AuditLog.objects.filter(action="inbox_paused")
    assert sorted(a.object_id for a in audits) == sorted([str(first.pk), str(second.pk)])
    assert {a.actor for a in audits} == {admin_user}
    assert not Alert.objects.exists()


def test_resume_action_counts_only_what_changed(admin_client: Client) -> None:
    paused = InboxFactory(status=Inbox.Status.PAUSED, pause_reason="Bounce rate 8.0%")
    active = InboxFactory()

    response = _action(admin_client, "resume", [paused, active])

    assert "Resumed 1 inbox(es)." in response.content.decode()
    paused.refresh_from_db()
    assert (paused.status, paused.pause_reason) == ("active", "")
    assert AuditLog.objects.filter(action="inbox_resumed").count() == 1


def test_bouncing_filter_answers_the_operators_question(admin_client: Client) -> None:
    InboxFactory(key="healthy", bounce_rate=0.01, bounce_sample=100)
    InboxFactory(key="bouncing", bounce_rate=0.04, bounce_sample=100)

    bouncing = admin_client.get(CHANGELIST, {"bouncing": "yes"}).content.decode()
    healthy = admin_client.get(CHANGELIST, {"bouncing": "no"}).content.decode()

    assert ">bouncing<" in bouncing and ">healthy<" not in bouncing
    assert ">healthy<" in healthy and ">bouncing<" not in healthy


def test_changelist_shows_todays_use_of_the_limit(admin_client: Client) -> None:
    inbox = InboxFactory(key="smtp-1", warmup_schedule="7")
    with time_machine.travel(datetime(2026, 3, 2, 23, 0, tzinfo=UTC), tick=False):
        for _ in range(2):
            with transaction.atomic():
                warmup_reserve(inbox=inbox, now=timezone.now())
        page = admin_client.get(CHANGELIST).content.decode()

    assert "2/7" in page
    assert "0.0% of 0" in page


def test_admin_saves_go_through_the_service_and_are_audited(
    admin_client: Client, admin_user: Any
) -> None:
    data = _form(admin_client, f"{CHANGELIST}add/")
    data.update(key="desk", provider="maildir", address="desk@jengu.test", timezone="UTC")
    assert admin_client.post(f"{CHANGELIST}add/", data).status_code == 302
    inbox = Inbox.objects.get(key="desk")
    created = AuditLog.objects.get(action="inbox_created", object_id=str(inbox.pk))
    assert (created.actor, created.detail) == (admin_user, {"source": "admin"})

    data = _form(admin_client, _change_url(inbox))
    data.update(display_name="Sales desk", password="new-secret")
    assert admin_client.post(_change_url(inbox), data).status_code == 302
    updated = AuditLog.objects.get(action="inbox_updated", object_id=str(inbox.pk))
    assert updated.detail == {"fields": ["display_name", "password"]}
    assert "new-secret" not in str(updated.detail)
