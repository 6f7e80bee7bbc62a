"""Raw mail retention (JENGU_RAW_MAIL_RETENTION_DAYS): the stored .eml of old inbound
messages leaves the bucket, the parsed message stays; the schedule and the command run it."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone

from console.schedules import specs
from outreach.models import InboundMessage
from outreach.services.retention import raw_mail_purge
from outreach.tasks import purge_raw_mail
from tests.privacy.conftest import bucket_objects

pytestmark = pytest.mark.django_db


def _message(days_old: int, *, received: bool = True) -> InboundMessage:
    at = timezone.now() - timedelta(days=days_old)
    msg = InboundMessage(
        subject=f"{days_old} days", body_text="hello", received_at=at if received else None
    )
    msg.raw.save(
        f"old-{days_old}.eml", ContentFile(f"Subject: {days_old} days\r\n\r\nhello".encode())
    )
    if not received:
        InboundMessage.objects.filter(pk=msg.pk).update(created_at=at)
    return msg


def test_old_raw_mail_leaves_the_bucket_and_the_message_stays(
    s3_storage: str, s3_server: Any, settings: Any
) -> None:
    settings.JENGU = {**settings.JENGU, "RAW_MAIL_RETENTION_DAYS": 90}
    old, recent, unknown_date = _message(100), _message(10), _message(120, received=False)
    old_key = old.raw.name

    assert purge_raw_mail() == "raw mail purged from 2 message(s)"

    old.refresh_from_db(), recent.refresh_from_db(), unknown_date.refresh_from_db()
    assert old.raw.name == "" and old.body_text == "hello" and old.subject == "100 days"
    assert unknown_date.raw.name == ""
    assert recent.raw.name
    assert set(bucket_objects(s3_server, s3_storage)) == {recent.raw.name}
    assert old_key not in bucket_objects(s3_server, s3_storage)
    assert raw_mail_purge(now=timezone.now(), days=90) == 0  # idempotent


def test_zero_keeps_raw_mail_forever(settings: Any) -> None:
    settings.JENGU = {**settings.JENGU, "RAW_MAIL_RETENTION_DAYS": 0}
    old = _message(4000)
    assert purge_raw_mail() == "raw mail purged from 0 message(s)"
    old.refresh_from_db()
    assert old.raw.name


def test_the_command_takes_days_and_the_schedule_runs_daily(settings: Any) -> None:
    old, recent = _message(40), _message(5)
    out = io.StringIO()
    call_command("purge_raw_mail", "--days", "30", stdout=out)
    assert "purged from 1 message(s)" in out.getvalue()
    old.refresh_from_db(), recent.refresh_from_db()
    assert not old.raw.name and recent.raw.name
    [spec] = [s for s in specs() if s.func == "outreach.tasks.purge_raw_mail"]
    assert spec.cron == "45 4 * * *"


def test_files_the_storage_refuses_do_not_stop_the_rest(
    settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A first page of files the storage will not delete keeps its references for the next
    run; the messages after it are purged in this run all the same."""
    from django.core.files.storage import default_storage

    from outreach.services import retention

    monkeypatch.setattr(retention, "BATCH", 2)
    stuck = [_message(200 + i) for i in range(2)]
    later = [_message(100 + i) for i in range(3)]
    refused = {m.raw.name for m in stuck}
    real_delete = default_storage.delete

    def delete(name: str) -> None:
        if name in refused:
            raise OSError("the storage refused")
        real_delete(name)

    monkeypatch.setattr(default_storage, "delete", delete)
    assert raw_mail_purge(now=timezone.now(), days=90) == 3
    assert all(InboundMessage.objects.get(pk=m.pk).raw.name for m in stuck)
    assert not any(InboundMessage.objects.get(pk=m.pk).raw.name for m in later)
