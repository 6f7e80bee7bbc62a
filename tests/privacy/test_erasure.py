"""GDPR erasure: after ``POST /api/prospects/{id}/erase`` no table (``dumpdata --all``) and no
object in the S3 bucket names the person; a salted hash keeps them suppressed."""

from __future__ import annotations

import hashlib
import io
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from compliance.models import Suppression, SuppressionSalt
from core.models import AuditLog
from prospects.models import Contact, Prospect
from tests.privacy.conftest import bucket_objects
from tests.privacy.world import ADDRESS, build, needles

pytestmark = pytest.mark.django_db


def _dump() -> str:
    out = io.StringIO()
    call_command("dumpdata", "--all", stdout=out)
    return out.getvalue().lower()


def _named(text: str) -> list[str]:
    return [n for n in needles() if n.lower() in text]


def test_erase_leaves_no_trace_in_any_table_nor_in_the_bucket(
    settings: Any,
    s3_storage: str,
    s3_server: Any,
    role_user: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    world = build(settings, timezone.now())
    assert set(_named(_dump())) == set(needles())  # the world names them everywhere first
    stored = bucket_objects(s3_server, s3_storage)
    assert any(ADDRESS.encode() in body.lower() for body in stored.values())

    from tests.conftest import _token_client

    admin = _token_client(role_user("admin"))
    with django_capture_on_commit_callbacks(execute=True):  # the files go after the commit
        response = admin.post(f"/api/prospects/{world.prospect.pk}/erase")

    assert response.status_code == 200, response.content
    removed = response.json()["removed"]
    assert removed["prospect"] == 1 and removed["contacts"] == 1
    assert removed["outbound_emails"] == 1 and removed["inbound_messages"] == 1
    assert removed["suppressions_hashed"] == 1 and removed["unsubscribe_tokens"] == 1
    assert removed["dead_letters"] == 1 and removed["tasks"] == 3
    assert removed["duplicate_hints"] == 1 and removed["alerts"] >= 2  # ours + the meeting alert
    assert removed["stored_files"] == 3  # the sent .eml, the reply .eml, the dead letter's file
    assert _named(_dump()) == []
    for key, body in bucket_objects(s3_server, s3_storage).items():
        assert _named(body.decode("utf-8", "replace").lower()) == [], key
    assert Prospect.objects.filter(pk=world.other.pk).exists()  # the near-duplicate stays


def test_the_hash_keeps_the_person_suppressed_and_the_fact_is_audited(
    settings: Any, role_user: Any, capture_on_commit: Any
) -> None:
    from privacy.services import erase_prospect

    world = build(settings, timezone.now())
    actor = role_user("admin")
    counts = erase_prospect(world.prospect.pk, actor=actor)

    row = Suppression.objects.get()
    salt = SuppressionSalt.objects.get().salt
    assert row.email == "" and row.domain == ""
    assert row.email_hash == hashlib.sha256((salt + ADDRESS).encode()).hexdigest()
    assert row.domain_hash == hashlib.sha256((salt + "quinta-zyxwv.example").encode()).hexdigest()
    assert row.reason == Suppression.Reason.OPT_OUT_REPLY  # the first reason is kept
    assert str(row).startswith("erased subject (hash ")
    entry = AuditLog.objects.get(action="prospect_erased")
    assert entry.actor == actor and entry.detail["counts"] == counts
    assert not Contact.objects.filter(email__iexact=ADDRESS).exists()
    # The salt is the database's: a new SECRET_KEY changes nothing.
    settings.SECRET_KEY = "rotated-" + "x" * 50
    from compliance.services import is_suppressed

    assert is_suppressed(ADDRESS.upper()) == row


def test_erasing_twice_is_a_404_the_second_time(
    settings: Any, role_user: Any, capture_on_commit: Any
) -> None:
    from tests.conftest import _token_client

    world = build(settings, timezone.now())
    admin = _token_client(role_user("admin"))
    assert admin.post(f"/api/prospects/{world.prospect.pk}/erase").status_code == 200
    again = admin.post(f"/api/prospects/{world.prospect.pk}/erase/")
    assert again.status_code == 404 and again.json()["code"] == "prospect_not_found"


def test_unrelated_records_are_left_alone(capture_on_commit: Any) -> None:
    from core.models import Alert
    from core.services import audit_record
    from privacy.services import erase_prospect
    from tests.factories import ContactFactory

    gone = ContactFactory(email="info@hotel-gone.example", name="Desk")
    kept = ContactFactory(email="ana@hotel-kept.example", name="Ana Kept")
    audit_record(action="note", obj=kept.prospect, detail={"text": "info desk of the other"})
    Alert.objects.create(kind=Alert.Kind.OTHER, title="info: weekly report")

    counts = erase_prospect(gone.prospect_id, actor="dpo")

    assert counts["alerts"] == 0 and counts["audit_entries"] == 0
    assert AuditLog.objects.get(action="note").detail == {"text": "info desk of the other"}
    assert Alert.objects.filter(title="info: weekly report").exists()
    assert Contact.objects.get() == kept


def test_an_import_file_naming_the_person_leaves_the_bucket(
    s3_storage: str, s3_server: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from django.core.files.base import ContentFile

    from privacy.services import erase_prospect
    from prospects.models import ImportJob
    from tests.factories import ContactFactory

    contact = ContactFactory(email="henrike.oosterhuis@polder-inn.example", name="Henrike O")
    named = ImportJob(name="hotels.csv", state=ImportJob.State.DONE)
    named.errors = [
        {"line": 3, "detail": f"{contact.email}: mailbox full"},
        {"line": 9, "detail": "x"},
    ]
    named.file.save(
        "a.csv", ContentFile(f"name,contact_email\nPolder Inn,{contact.email}\n".encode())
    )
    other = ImportJob(name="other.csv", state=ImportJob.State.DONE)
    other.file.save("b.csv", ContentFile(b"name,contact_email\nElse,ana@else.example\n"))

    with django_capture_on_commit_callbacks(execute=True):
        counts = erase_prospect(contact.prospect_id, actor="dpo")

    assert counts["import_files"] == 1 and counts["run_errors"] == 1
    named.refresh_from_db(), other.refresh_from_db()
    assert named.file.name == "" and named.errors == [{"line": 9, "detail": "x"}]
    assert set(bucket_objects(s3_server, s3_storage)) == {other.file.name}


def test_only_tasks_about_the_erased_rows_go(capture_on_commit: Any) -> None:
    """A task goes when its subject (first argument, by position or by name) is erased; one
    about another prospect that merely carries the same number elsewhere stays."""
    from django_q.models import OrmQ
    from django_q.signing import SignedPackage

    from privacy.services import erase_prospect
    from tests.factories import ContactFactory

    gone = ContactFactory(email="desk@hotel-gone.example", name="Desk").prospect
    kept = ContactFactory(email="ana@hotel-kept.example", name="Ana Kept").prospect
    func = "prospects.tasks.enrich_prospect"
    queued = {
        "by position": ((gone.pk,), {}),
        "by name": ((), {"prospect_id": gone.pk}),
        "another prospect, same number as run_id": ((kept.pk,), {"run_id": gone.pk}),
    }
    for name, (args, kwargs) in queued.items():
        task = {"id": name, "name": name, "func": func, "args": args, "kwargs": kwargs}
        OrmQ.objects.create(key="default", payload=SignedPackage.dumps(task))

    erase_prospect(gone.pk, actor="dpo")

    left = [SignedPackage.loads(row.payload)["name"] for row in OrmQ.objects.all()]
    assert left == ["another prospect, same number as run_id"]
