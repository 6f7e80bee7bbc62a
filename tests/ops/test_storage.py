"""Raw messages and dead-letter payloads round-trip through S3 (moto on 127.0.0.1)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from core import storage
from core.models import DeadLetter
from outreach.models import InboundMessage, OutboundEmail
from outreach.services import prepare_due, run_send_pass
from tests.factories import CampaignFactory, InboxFactory
from tests.outreach.helpers import enrolled
from tests.servers.s3 import ACCESS_KEY, REGION, SECRET_KEY

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db


def _object(s3_server: Any, bucket: str, key: str) -> bytes:
    return s3_server.client().get_object(Bucket=bucket, Key=key)["Body"].read()


def test_a_sent_email_is_stored_in_the_bucket(s3_storage, s3_server, settings) -> None:
    settings.JENGU = {**settings.JENGU, "SEND_HOURS": "0-24", "SEND_DAYS": "mon-sun"}
    InboxFactory()  # Maildir: the offline transport
    enrolled(CampaignFactory(steps=[0]), now=timezone.now())
    prepare_due(now=timezone.now())
    assert run_send_pass().sent == 1

    email = OutboundEmail.objects.get()
    assert email.raw.name.startswith("outbound/")
    in_bucket = _object(s3_server, s3_storage, email.raw.name)
    assert email.message_id.encode() in in_bucket
    with email.raw.open("rb") as handle:  # and back through the FileField
        assert handle.read() == in_bucket


def test_inbound_raw_round_trips(s3_storage, s3_server) -> None:
    raw = b"From: ana@hotel.example\r\nSubject: Re: hello\r\n\r\nYes, let's talk.\r\n"
    message = InboundMessage(subject="Re: hello", from_address="ana@hotel.example")
    message.raw.save("reply.eml", ContentFile(raw))

    again = InboundMessage.objects.get(pk=message.pk)
    assert _object(s3_server, s3_storage, again.raw.name) == raw
    assert storage.read_bytes(again.raw.name) == raw


def test_a_big_dead_letter_payload_goes_to_a_file(s3_storage, s3_server) -> None:
    payload = {"args": [7], "kwargs": {"body": "x" * (storage.PAYLOAD_INLINE_LIMIT + 1)}}
    inline, spilled = storage.split_payload(payload)
    letter = DeadLetter.objects.create(kind="task", task_name="t.f", payload=inline)
    storage.deadletter_store_payload(letter, spilled)

    letter = DeadLetter.objects.get(pk=letter.pk)
    assert letter.payload[storage.STUB_KEY] and letter.payload["keys"] == ["args", "kwargs"]
    assert json.loads(_object(s3_server, s3_storage, letter.payload_file.name)) == payload
    assert storage.deadletter_payload(letter) == payload


def test_a_small_payload_stays_in_the_row() -> None:
    payload = {"args": [1, "two"], "kwargs": {"x": None}}
    inline, spilled = storage.split_payload(payload)
    assert (inline, spilled) == (payload, None)
    letter = DeadLetter.objects.create(kind="task", payload=inline)
    assert storage.deadletter_payload(letter) == payload
    assert not letter.payload_file


def test_raw_bytes_are_kept_as_a_named_file(s3_storage, s3_server) -> None:
    raw = b"\xff\xfe not a parsable email \x00"
    letter = DeadLetter.objects.create(kind="inbound", error="unreadable")
    storage.deadletter_store_payload(letter, raw, filename="message.eml")

    name = DeadLetter.objects.get(pk=letter.pk).payload_file.name
    assert name.startswith("dead-letters/") and name.endswith(f"{letter.pk}-message.eml")
    assert _object(s3_server, s3_storage, name) == raw


def test_local_files_are_the_default(settings, tmp_path) -> None:
    letter = DeadLetter.objects.create(kind="task")
    storage.deadletter_store_payload(letter, {"k": "v"})
    path = Path(settings.MEDIA_ROOT) / DeadLetter.objects.get(pk=letter.pk).payload_file.name
    assert json.loads(path.read_bytes()) == {"k": "v"}


@pytest.mark.slow
def test_the_storage_environment_variables_reach_the_bucket(s3_server, s3_bucket, tmp_path) -> None:
    """STORAGE_* as an operator sets them (secret via _FILE), in a fresh process."""
    secret_file = tmp_path / "s3-secret"
    secret_file.write_text(SECRET_KEY + "\n")
    env = {
        **os.environ,
        "JENGU_VAR_DIR": str(tmp_path / "var"),
        "STORAGE_BUCKET": s3_bucket,
        "STORAGE_ENDPOINT_URL": s3_server.endpoint_url,
        "STORAGE_REGION": REGION,
        "STORAGE_ACCESS_KEY_ID": ACCESS_KEY,
        "STORAGE_SECRET_ACCESS_KEY_FILE": str(secret_file),
        "STORAGE_ADDRESSING_STYLE": "path",
    }
    env.pop("STORAGE_SECRET_ACCESS_KEY", None)
    script = (
        "import django; django.setup()\n"
        "from django.core.files.base import ContentFile\n"
        "from django.core.files.storage import default_storage as s\n"
        "name = s.save('imports/probe.csv', ContentFile(b'name,city\\nA,B\\n'))\n"
        "print(name, type(s._wrapped).__name__)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, timeout=60
    )
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    name, backend = done.stdout.decode().split()
    assert backend == "S3Storage"
    assert _object(s3_server, s3_bucket, name) == b"name,city\nA,B\n"
