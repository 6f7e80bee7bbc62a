"""``POST /api/prospects/import`` (multipart, a background job) and
``POST /api/admin/trigger-scrape``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from prospects.models import ImportJob, PipelineRun, Prospect
from tests.prospects.sites import no_vendors, places  # noqa: F401
from tests.servers.vendors import PlacesFake, make_place

pytestmark = pytest.mark.django_db
IMPORTS = Path(__file__).resolve().parent.parent / "fixtures" / "imports"


def upload(client: APIClient, name: str, **extra: Any) -> Any:
    data = {"file": SimpleUploadedFile(name, (IMPORTS / name).read_bytes()), **extra}
    return client.post("/api/prospects/import", data, format="multipart")


def finished(client: APIClient, response: Any) -> dict[str, Any]:
    """The job's body once it is done or failed, polled as a client would."""
    assert response.status_code == 202, response.content
    for _ in range(10):
        body = client.get(response.json()["url"]).json()
        if body["state"] in ("done", "failed"):
            return body
    raise AssertionError(f"the import is still {body['state']}")


def test_upload_answers_with_the_summary(api: APIClient, run_tasks: Any) -> None:
    with run_tasks(execute=True):
        response = upload(api, "generic.csv")
    body = finished(api, response)
    assert (body["created"], body["updated"], body["duplicates"]) == (5, 0, 0)
    assert body["errors"][0] == {"line": 4, "detail": "missing name"}
    assert [e["line"] for e in body["errors"]] == [4, 5, 8, 9]
    assert PipelineRun.objects.get(pk=body["run"]).kind == "import"
    with run_tasks(execute=True):
        response = upload(api, "generic.csv")
    again = finished(api, response)
    assert (again["created"], again["updated"], again["duplicates"]) == (0, 0, 5)


def test_upload_of_a_sql_dump_and_a_source(operator_api: APIClient, run_tasks: Any) -> None:
    with run_tasks(execute=True):
        response = upload(operator_api, "latin1.csv", source="trade_fair")
    assert finished(operator_api, response)["created"] == 3
    assert set(Prospect.objects.values_list("lead_source", flat=True)) == {"trade_fair"}
    with run_tasks(execute=True):
        response = upload(operator_api, "d1_export.sql")
    assert finished(operator_api, response)["created"] == 4


def test_missing_file_is_a_400_naming_the_field(api: APIClient) -> None:
    response = api.post("/api/prospects/import", {"source": "x"}, format="multipart")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and "file" in body["fields"]


def test_import_needs_authentication(anon_client: APIClient) -> None:
    assert upload(anon_client, "generic.csv").status_code == 401
    assert Prospect.objects.count() == 0 and ImportJob.objects.count() == 0


def test_trigger_scrape_imports_waiting_files_and_places(
    api: APIClient, places: PlacesFake, settings: Any
) -> None:
    settings.JENGU = {**settings.JENGU, "SCRAPE_QUERIES": "boutique hotel Lisbon; ;hostel Porto"}
    places.add(
        "boutique hotel Lisbon",
        make_place("Hotel Alfama Azul", "Rua dos Remédios 12, Lisboa", website="http://alfama-azul.test/",
                   phone="+351 21 886 0100", city="Lisboa", country="Portugal", country_code="PT"),
        make_place("Casa do Largo", "Largo da Graça, Lisboa", city="Lisboa", country_code="PT"),
    )  # fmt: skip
    default_storage.save(
        "imports/incoming/hotels.csv", ContentFile(b"name,city\nCasa do Largo,Lisboa\n")
    )
    response = api.post("/api/admin/trigger-scrape")
    assert response.status_code == 200
    body = response.json()
    run = PipelineRun.objects.get(pk=body["id"])
    assert (run.kind, run.status, body["status"]) == ("scrape", "done", "done")
    assert body["counts"]["files"] == 1 and body["counts"]["places_results"] == 2
    # the file's Casa do Largo gets its country from Places: updated, not a plain duplicate
    assert (body["counts"]["created"], body["counts"]["updated"]) == (2, 1)
    assert Prospect.objects.get(name="Casa do Largo").country == "PT"
    alfama = Prospect.objects.get(name="Hotel Alfama Azul")
    assert (alfama.lead_source, alfama.domain, alfama.phone) == (
        "google_places", "alfama-azul.test", "+351 21 886 0100",
    )  # fmt: skip
    assert [r.json()["textQuery"] for r in places.requests] == [
        "boutique hotel Lisbon",
        "hostel Porto",
    ]
    assert "places.websiteUri" in places.requests[0].headers["x-goog-fieldmask"]
    assert default_storage.listdir("imports/incoming/")[1] == []
    assert len(default_storage.listdir("imports/done/")[1]) == 1


def test_trigger_scrape_is_for_operators_only(user_api: APIClient, anon_client: APIClient) -> None:
    assert user_api.post("/api/admin/trigger-scrape").status_code == 403
    assert anon_client.post("/api/admin/trigger-scrape").status_code == 401
    assert PipelineRun.objects.count() == 0


def test_trigger_scrape_with_nothing_to_do(api: APIClient, no_vendors: None) -> None:
    body = api.post("/api/admin/trigger-scrape").json()
    assert body["status"] == "done" and body["errors"] == []


def test_trigger_scrape_reads_an_s3_bucket(
    api: APIClient, no_vendors: None, s3_server: Any, s3_storage: str
) -> None:
    s3_bucket = s3_storage
    client = s3_server.client()
    body = (IMPORTS / "prospects.jsonl").read_bytes()
    client.put_object(Bucket=s3_bucket, Key="imports/incoming/feed.jsonl", Body=body)
    counts = api.post("/api/admin/trigger-scrape").json()["counts"]
    assert (counts["files"], counts["created"], counts["row_errors"]) == (1, 3, 3)
    keys = [o["Key"] for o in client.list_objects_v2(Bucket=s3_bucket)["Contents"]]
    assert not any(key.startswith("imports/incoming/") for key in keys)
    assert any(key.startswith("imports/done/") and key.endswith("-feed.jsonl") for key in keys)


def test_binary_junk_and_nul_characters_are_reported_not_a_server_error(
    api: APIClient, run_tasks: Any
) -> None:
    webp = b"RIFF\x1a\x00\x00\x00WEBPVP8L\x0e\x00\x00\x00/\x00\x00\x00\x00\x07\x10\x11\x0fDD\x03"
    with run_tasks(execute=True):
        response = api.post(
            "/api/prospects/import",
            {"file": SimpleUploadedFile("file.webp", webp)},
            format="multipart",
        )
    body = finished(api, response)
    assert body["created"] == 0 and body["errors"]
    jsonl = b'{"name": "Hotel \\u0000Nul", "city": "Porto"}\n'
    with run_tasks(execute=True):
        response = api.post(
            "/api/prospects/import",
            {"file": SimpleUploadedFile("nul.jsonl", jsonl)},
            format="multipart",
        )
    assert finished(api, response)["created"] == 1
    assert Prospect.objects.get().name == "Hotel Nul"
