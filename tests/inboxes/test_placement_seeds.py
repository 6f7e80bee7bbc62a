"""Seed mailboxes: SEED_MAILBOX_N parsing and sync, the admin's write-only password, and how a
seed's folders are told apart (Gmail, Outlook, Dovecot and localized names, \\Junk)."""

from __future__ import annotations

import io
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client

from core.models import AuditLog
from core.services import emergency_stop_set
from inboxes.clients.imap import connect_to
from inboxes.clients.seeds import locate
from inboxes.models import Inbox, InboxDay, PlacementRun, SeedMailbox
from inboxes.services.placement import placement_send, placement_start
from inboxes.services.placement_seeds import seeds_sync
from tests.factories import InboxFactory
from tests.servers import certs
from tests.servers.imap import ImapUser

pytestmark = pytest.mark.django_db
GOOD = "seed@gmail.test|app-password-1|imap.gmail.test|993|Gmail"


# --- the environment -----------------------------------------------------------------------
def test_env_seeds_are_created_once_and_updated_when_they_change(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SEED_MAILBOX_1", GOOD)
    monkeypatch.setenv("SEED_MAILBOX_2", "me@outlook.test | pw2 | outlook.office365.test | 993 |")

    first, second = seeds_sync(), seeds_sync()
    monkeypatch.setenv("SEED_MAILBOX_2", "me@outlook.test|pw3|outlook.office365.test|993|Outlook")
    third = seeds_sync()

    assert (first.created, second.unchanged) == (["seed-1", "seed-2"], ["seed-1", "seed-2"])
    assert third.updated == ["seed-2"]
    seed = SeedMailbox.objects.get(key="seed-2")
    assert (seed.password, seed.label, seed.imap_port) == ("pw3", "Outlook", 993)
    with connection.cursor() as cursor:  # encrypted at rest, like inbox passwords
        cursor.execute("SELECT password FROM inboxes_seedmailbox WHERE key = 'seed-2'")
        assert cursor.fetchone()[0].startswith("fernet:")
    audit = AuditLog.objects.filter(action="seed_updated").get()
    assert audit.detail == {"fields": ["password", "label"]}  # names, never values


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("seed@gmail.test|pw|imap.gmail.test|993", "must be email|password|imap_host|imap_port"),
        ("seed@gmail.test|pw|imap.gmail.test|imaps|Gmail", "bad imap_port"),
        ("seed@gmail.test|pw|imap.gmail.test|99999|Gmail", "bad imap_port"),
        ("not-an-address|pw||993|Gmail", "bad email, imap_host"),
        ("seed@gmail.test||imap.gmail.test|993|Gmail", "bad password"),
    ],
)
def test_a_bad_env_line_is_reported_by_name_and_the_others_still_sync(
    monkeypatch: pytest.MonkeyPatch, value: str, message: str
) -> None:
    monkeypatch.setenv("SEED_MAILBOX_1", GOOD)
    monkeypatch.setenv("SEED_MAILBOX_7", value)

    report = seeds_sync()

    assert report.created == ["seed-1"]
    [error] = report.errors
    assert error.startswith("SEED_MAILBOX_7") and message in error
    assert "pw" not in error.replace("password", "")  # the secret is never echoed


def test_a_seed_that_leaves_the_env_is_deactivated_and_admin_seeds_are_left_alone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SEED_MAILBOX_1", GOOD)
    seeds_sync()
    SeedMailbox.objects.create(key="mine", email="x@y.test", password="p", imap_host="h")
    monkeypatch.delenv("SEED_MAILBOX_1")

    report = seeds_sync()

    assert report.deactivated == ["seed-1"]
    assert dict(SeedMailbox.objects.values_list("key", "active")) == {"seed-1": False, "mine": True}


def test_the_command_warns_about_a_bad_seed_line_and_does_not_crash(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SEED_MAILBOX_3", "oops")
    out = io.StringIO()

    call_command("placement_test", "--wait", "0", stdout=out, stderr=io.StringIO())

    text = out.getvalue()
    assert "SEED_MAILBOX_3 must be email|password|imap_host|imap_port|label (got 1 field)" in text
    assert "no active seed mailbox" in text
    assert PlacementRun.objects.get().state == PlacementRun.State.DONE


# --- the admin -------------------------------------------------------------------------------
def test_the_admin_seed_password_is_write_only_and_kept_when_left_empty(
    admin_client: Client,
) -> None:
    data = {
        "key": "gmail-seed",
        "email": "seed@gmail.test",
        "username": "",
        "password": "very-secret-app-pw",
        "imap_host": "imap.gmail.test",
        "imap_port": "993",
        "label": "Gmail",
        "active": "on",
    }
    assert admin_client.post("/admin/inboxes/seedmailbox/add/", data).status_code == 302
    seed = SeedMailbox.objects.get()
    assert (seed.source, seed.password) == (Inbox.Source.ADMIN, "very-secret-app-pw")

    url = f"/admin/inboxes/seedmailbox/{seed.pk}/change/"
    assert "very-secret-app-pw" not in admin_client.get(url).content.decode()
    response = admin_client.post(url, {**data, "password": "", "label": "Gmail (work)"})
    assert response.status_code == 302
    seed.refresh_from_db()
    assert (seed.password, seed.label) == ("very-secret-app-pw", "Gmail (work)")


# --- finding the messages in a seed ----------------------------------------------------------
def _message(to: str) -> tuple[str, bytes]:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "a@sender.test", to, "hello"
    msg["Message-ID"] = make_msgid(domain="sender.test")
    msg.set_content("hello\n")
    return msg["Message-ID"], msg.as_bytes()


def _seed(user: ImapUser) -> SeedMailbox:
    return SeedMailbox(
        key="s", email=user.name, password=user.password, imap_host=user.host, imap_port=user.port
    )


@pytest.fixture
def trusted(settings: Any) -> None:
    settings.JENGU = {**settings.JENGU, "SMTP_CA_FILE": certs.ca_file()}


def test_spam_folders_of_gmail_outlook_dovecot_and_localized_names_are_recognised(
    imap_user: ImapUser, trusted: None, settings: Any
) -> None:
    folders = ["Junk", "[Gmail]/Spam", "Junk E-mail", "Courrier indésirable", "Archive"]
    placed = {"INBOX": _message(imap_user.name)}
    # imapclient, as a mail client would: it encodes "indésirable" in modified UTF-7
    with connect_to(imap_user.host, imap_user.port, imap_user.name, imap_user.password) as conn:
        for folder in folders:
            conn.create_folder(folder)
            placed[folder] = _message(imap_user.name)
        for folder, (_mid, raw) in placed.items():
            conn.append(folder, raw)
    lost = make_msgid(domain="sender.test")

    found = locate(
        _seed(imap_user),
        [mid for mid, _raw in placed.values()] + [lost],
        settings.JENGU["PLACEMENT_SPAM_FOLDERS"],
    )

    where = {folder: found.get(mid) for folder, (mid, _raw) in placed.items()}
    assert where["INBOX"] and where["INBOX"].where == "inbox"
    for folder in ("Junk", "[Gmail]/Spam", "Junk E-mail", "Courrier indésirable"):
        assert where[folder] and (where[folder].where, where[folder].folder) == ("spam", folder)
    assert where["Archive"] is None  # not a spam folder: the message counts as missing
    assert lost not in found


def test_the_spam_folder_names_are_configurable_and_the_junk_flag_always_counts(
    imap_user: ImapUser, trusted: None
) -> None:
    placed = {}
    with connect_to(imap_user.host, imap_user.port, imap_user.name, imap_user.password) as conn:
        for folder in ("Quarantaine", "Junk"):  # the test Dovecot flags Junk \\Junk
            conn.create_folder(folder)
            placed[folder], raw = _message(imap_user.name)
            conn.append(folder, raw)
    ids = list(placed.values())

    by_default = locate(_seed(imap_user), ids, ["Spam"])
    configured = locate(_seed(imap_user), ids, ["quarantaine"])

    assert placed["Quarantaine"] not in by_default
    assert by_default[placed["Junk"]].folder == "Junk"
    assert configured[placed["Quarantaine"]].where == "spam"


# --- runs that send nothing ------------------------------------------------------------------
def test_an_unknown_inbox_key_stops_the_command_with_its_name() -> None:
    with pytest.raises(CommandError, match="no inbox nope"):
        call_command("placement_test", "--inbox", "nope", "--wait", "0", stdout=io.StringIO())
    assert not PlacementRun.objects.exists()


def test_nothing_is_sent_during_an_emergency_stop(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SEED_MAILBOX_1", GOOD)
    inbox = InboxFactory(provider=Inbox.Provider.SMTP, smtp_host="127.0.0.1", smtp_port=9)
    emergency_stop_set(active=True, reason="test")

    run = placement_send(run_id=placement_start(wait_minutes=0).pk)

    assert run.notes == ["emergency stop is on: nothing sent"]
    assert run.state == PlacementRun.State.DONE and not run.results.exists()
    assert not InboxDay.objects.filter(inbox=inbox).exists()  # no warmup slot taken
