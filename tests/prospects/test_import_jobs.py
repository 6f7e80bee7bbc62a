"""Imports as background jobs: the 202 and the polling, who sees a job, the upload limit, the
checkpoint (a crash mid-chunk loses nothing and counts nothing twice), the admin page."""

from __future__ import annotations

import io
import json
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.client import BOUNDARY, encode_multipart
from django_q.models import Schedule, Task
from rest_framework.test import APIClient

from prospects.models import Contact, ImportJob, PipelineRun, Prospect, ProspectEvent
from prospects.services import import_jobs
from prospects.services.import_jobs import import_job_create, import_job_run
from tests.prospects.test_import_api import finished, upload

pytestmark = pytest.mark.django_db
IMPORTS = Path(__file__).resolve().parent.parent / "fixtures" / "imports"
URL = "/api/prospects/import"
GENERIC = (IMPORTS / "generic.csv").read_bytes()


def make_job(data: bytes = GENERIC, name: str = "generic.csv") -> ImportJob:
    """A job as the API makes it; its task is not run (the test transaction never commits)."""
    return import_job_create(upload=ContentFile(data, name=name), owner=None, source="", via="test")


def outcome(job: ImportJob) -> tuple[Any, ...]:
    job.refresh_from_db()
    return (job.state, job.created, job.updated, job.duplicates, job.error_count,
            [e["line"] for e in job.errors], job.rows_done, job.rows_total)  # fmt: skip


def rows_in_database() -> tuple[int, int, int]:
    created = ProspectEvent.objects.filter(kind="created").count()
    return Prospect.objects.count(), Contact.objects.count(), created


# generic.csv: 5 created; errors at lines 4, 5 (a bad address, the row still lands), 8, 9.
GENERIC_DONE = ("done", 5, 0, 0, 4, [4, 5, 8, 9], 8, 8)


def test_the_upload_answers_202_at_once_and_imports_nothing_in_the_request(
    api: APIClient,
) -> None:
    lines = ["name,city,email"] + [f"Hotel {i},City {i % 50},info@h{i}.pt" for i in range(20000)]
    upload_file = SimpleUploadedFile("big.csv", "\n".join(lines).encode())
    start = time.monotonic()
    response = api.post(URL, {"file": upload_file}, format="multipart")
    elapsed = time.monotonic() - start
    assert response.status_code == 202 and elapsed < 5
    job = ImportJob.objects.get()
    assert response.json() == {"id": job.pk, "url": f"{URL}/{job.pk}", "state": "queued"}
    assert response["Location"] == f"{URL}/{job.pk}"
    assert Prospect.objects.count() == 0  # the import is the task's
    assert job.file.storage.exists(job.file.name) and job.name == "big.csv"


def test_the_job_is_polled_until_done_over_several_deliveries(
    api: APIClient, run_tasks: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(import_jobs, "CHUNK", 2)
    monkeypatch.setattr(import_jobs, "task_seconds", lambda: 0)  # one chunk per delivery
    with run_tasks(execute=True):
        response = upload(api, "generic.csv")
    body = finished(api, response)
    assert (body["state"], body["rows_total"], body["rows_done"]) == ("done", 8, 8)
    assert (body["created"], body["updated"], body["duplicates"]) == (5, 0, 0)
    assert body["errors"][0] == {"line": 4, "detail": "missing name"}
    assert Task.objects.filter(func="prospects.tasks.import_job").count() >= 5
    assert api.get(f"{URL}/{body['id']}/").json()["state"] == "done"  # with a slash too
    assert rows_in_database() == (5, 6, 5)


def test_only_the_owner_or_an_admin_see_a_job(
    operator_api: APIClient, api: APIClient, anon_client: APIClient, role_user: Any
) -> None:
    response = upload(operator_api, "generic.csv")
    url = response.json()["url"]
    assert operator_api.get(url).status_code == 200
    assert api.get(url).status_code == 200  # the admin role
    stranger = APIClient()
    stranger.force_authenticate(role_user("operator", "other"))
    assert stranger.get(url).status_code == 404
    assert anon_client.get(url).status_code == 401
    assert api.get(f"{URL}/999999").status_code == 404
    assert operator_api.get(f"{URL}/999999").json()["code"] == "not_found"


def _multipart(size_of_file: int) -> dict[str, Any]:
    return {"file": SimpleUploadedFile("big.csv", b"name,city\n" + b"x" * size_of_file)}


def test_uploads_above_the_import_limit_get_413(api: APIClient, settings: Any) -> None:
    size = len(encode_multipart(BOUNDARY, _multipart(5000)))
    settings.JENGU = {**settings.JENGU, "IMPORT_MAX_BYTES": size - 1}
    response = api.post(URL, _multipart(5000), format="multipart")
    assert response.status_code == 413
    assert response.json()["code"] == "too_large" and "detail" in response.json()
    assert ImportJob.objects.count() == 0
    settings.JENGU = {**settings.JENGU, "IMPORT_MAX_BYTES": size}
    assert api.post(URL, _multipart(5000), format="multipart").status_code == 202


def test_imports_take_more_than_other_bodies(api: APIClient) -> None:
    three_mb = 3 * 1024 * 1024  # over Django's 2.5 MB, under the import's 50 MB
    assert api.post(URL, _multipart(three_mb), format="multipart").status_code == 202
    body = json.dumps({"name": "Hotel", "notes": "x" * three_mb})
    response = api.post("/api/prospects", body, content_type="application/json")
    assert response.status_code == 413 and response.json()["code"] == "too_large"


class Crash(BaseException):
    """The worker dies (kill -9, out of memory): no handler of the task sees it."""


def test_a_crash_mid_chunk_loses_nothing_and_counts_nothing_twice(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    job = make_job()
    assert import_job_run(job.pk, budget=0, chunk_size=3).endswith("continuing")
    first = outcome(job)
    assert first[:2] == ("running", 2) and job.checkpoint["items"] == 3
    assert rows_in_database()[0] == 2

    real = import_jobs.import_batch

    def dies_before_commit(batch: Any) -> Any:
        real(batch)  # the chunk's rows are written ...
        raise Crash  # ... and the process dies before the transaction commits

    monkeypatch.setattr(import_jobs, "import_batch", dies_before_commit)
    with pytest.raises(Crash):
        import_job_run(job.pk, budget=0, chunk_size=3)
    assert outcome(job) == first and job.checkpoint["items"] == 3
    assert rows_in_database()[0] == 2

    monkeypatch.setattr(import_jobs, "import_batch", real)
    assert import_job_run(job.pk, chunk_size=3).endswith("done")  # the redelivery
    assert outcome(job) == GENERIC_DONE
    assert rows_in_database() == (5, 6, 5)
    assert import_job_run(job.pk, chunk_size=3).endswith("nothing to do")  # delivered again
    assert outcome(job) == GENERIC_DONE and rows_in_database() == (5, 6, 5)
    assert PipelineRun.objects.get(pk=job.run_id).counts["import"]["created"] == 5


def test_a_job_whose_file_cannot_be_read_fails_with_an_error(api: APIClient) -> None:
    job = make_job()
    job.file.storage.delete(job.file.name)
    assert "failed" in import_job_run(job.pk)
    body = api.get(f"{URL}/{job.pk}").json()
    assert body["state"] == "failed" and body["errors"][0]["line"] == 0
    assert body["errors"][0]["detail"].startswith("the file cannot be read")


def test_an_unexpected_error_is_retried_then_fails_the_job(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(batch: Any) -> Any:
        raise RuntimeError("database went away")

    monkeypatch.setattr(import_jobs, "import_batch", broken)
    job = make_job()
    assert "retrying" in import_job_run(job.pk)
    retry = Schedule.objects.get(func="prospects.tasks.import_job")
    assert retry.args == repr((job.pk, 2)) and outcome(job)[0] == "running"
    assert "retrying" in import_job_run(job.pk, attempt=2)
    assert import_job_run(job.pk, attempt=3).endswith("failed")
    job.refresh_from_db()
    assert job.state == "failed" and rows_in_database() == (0, 0, 0)
    assert job.errors == [{"line": 0, "detail": "import stopped: RuntimeError: database went away"}]


def test_the_errors_kept_are_capped_and_all_are_counted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(import_jobs, "MAX_ERRORS", 3)
    job = make_job()
    import_job_run(job.pk)
    job.refresh_from_db()
    assert [e["line"] for e in job.errors] == [4, 5, 8] and job.error_count == 4


def test_the_command_prints_the_counts_the_job_reports(api: APIClient, run_tasks: Any) -> None:
    with run_tasks(execute=True):
        response = upload(api, "generic.csv")
    job = finished(api, response)
    Prospect.objects.all().delete()
    out = io.StringIO()
    call_command("import_prospects", str(IMPORTS / "generic.csv"), "--json", stdout=out)
    printed = json.loads(out.getvalue())
    for key in ("created", "updated", "duplicates", "errors"):
        assert printed[key] == job[key]
    assert ImportJob.objects.count() == 1  # the command runs in the foreground, no job


def test_the_admin_import_page_runs_a_job_and_shows_its_progress(
    admin_user: Any, run_tasks: Any
) -> None:
    client = Client()
    client.force_login(admin_user)
    page = client.get("/admin/prospects/prospect/").content.decode()
    assert 'href="/admin/prospects/importjob/upload/"' in page and "Import prospects" in page
    assert 'id="import-form"' in client.get("/admin/prospects/importjob/upload/").content.decode()
    with run_tasks(execute=True):
        response = client.post(
            "/admin/prospects/importjob/upload/",
            {"file": SimpleUploadedFile("generic.csv", GENERIC), "source": "fair"},
        )
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/admin/prospects/importjob/{job.pk}/change/"
    assert (job.owner, job.trigger) == (admin_user, f"admin:{admin_user}")
    assert outcome(job) == GENERIC_DONE
    detail = client.get(response["Location"]).content.decode()
    assert '<progress id="import-progress" value="8" max="8">' in detail
    assert "missing name" in detail and "Done" in detail
    assert client.get("/admin/prospects/importjob/add/").status_code == 403  # read only
    jobs = client.get("/admin/prospects/importjob/").content.decode()
    assert "8 / 8" in jobs and "Import prospects" in jobs
    assert set(Prospect.objects.values_list("lead_source", flat=True)) == {"fair"}


def test_the_admin_upload_obeys_the_import_limit(admin_user: Any, settings: Any) -> None:
    settings.JENGU = {**settings.JENGU, "IMPORT_MAX_BYTES": 1000}
    client = Client()
    client.force_login(admin_user)
    response = client.post("/admin/prospects/importjob/upload/", _multipart(2000))
    assert response.status_code == 413 and response.json()["code"] == "too_large"
    assert ImportJob.objects.count() == 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_deliveries_at_once_import_each_row_once() -> None:
    lines = ["name,city,email"] + [f"Hotel {i},Porto,a{i}@h{i}.pt" for i in range(300)]
    job = make_job("\n".join(lines).encode(), "race.csv")  # committed: no test transaction
    import_job_run(job.pk, budget=0, chunk_size=50)  # started: counted, first chunk in
    barrier = threading.Barrier(2)
    results: list[str] = []

    def deliver() -> None:
        try:
            barrier.wait()
            results.append(import_job_run(job.pk, chunk_size=20))
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert sorted(r.rsplit(": ", 1)[1] for r in results) in (
        ["another delivery is on it", "done"],
        ["done", "nothing to do"],
    )  # one delivery did the work; the other stood aside
    state, created, updated, duplicates, errors, _lines, done, total = outcome(job)
    assert (state, created, updated, duplicates, errors, done, total) == (
        "done", 300, 0, 0, 0, 300, 300,
    )  # fmt: skip
    assert rows_in_database() == (300, 300, 300)
