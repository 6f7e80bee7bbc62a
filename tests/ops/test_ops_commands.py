"""Operator commands on real data: dumpdata keeps credentials encrypted (and the fixture loads
back), and django-q2's terminal monitors run (blessed installed)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command

from inboxes.models import Inbox
from tests.factories import InboxFactory

pytestmark = pytest.mark.django_db

PASSWORD = "s3cret-Mailbox-Passw0rd"


def test_dumpdata_shows_ciphertext_and_the_fixture_loads_back(tmp_path: Path) -> None:
    inbox = InboxFactory(key="smtp-1", provider=Inbox.Provider.SMTP, password=PASSWORD)
    out = io.StringIO()
    call_command("dumpdata", "inboxes.inbox", "--indent", "1", stdout=out)
    dumped = out.getvalue()
    assert PASSWORD not in dumped
    [row] = json.loads(dumped)
    assert row["fields"]["password"].startswith("fernet:")

    fixture = tmp_path / "inboxes.json"
    fixture.write_text(dumped)
    Inbox.objects.filter(pk=inbox.pk).update(password="")
    call_command("loaddata", str(fixture), verbosity=0)
    assert Inbox.objects.get(pk=inbox.pk).password == PASSWORD  # decrypted once, not twice


def test_an_empty_password_dumps_as_empty() -> None:
    InboxFactory(key="maildir-1", password="")
    out = io.StringIO()
    call_command("dumpdata", "inboxes.inbox", stdout=out)
    assert json.loads(out.getvalue())[0]["fields"]["password"] == ""


def test_qinfo_and_qmonitor_run(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("qinfo")
    info = capsys.readouterr().out
    assert "Clusters" in info and "Schedules" in info
    call_command("qmonitor", "--run-once")
    assert "Host" in capsys.readouterr().out
