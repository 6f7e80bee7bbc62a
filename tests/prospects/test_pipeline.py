"""The daily pipeline end to end: files in storage -> prospects -> enriched -> verified ->
ready -> enrolled, with every task run through django-q2 (synchronously) and a real DNS,
website and MillionVerifier on 127.0.0.1."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django_q.conf import Conf

from core.models import DeadLetter
from core.services import deadletter_replay
from outreach.models import Campaign, Enrollment
from prospects import tasks
from prospects.models import Contact, PipelineRun, Prospect
from tests.factories import CampaignFactory
from tests.prospects.sites import SiteServer, mv, mx, no_vendors, sites  # noqa: F401
from tests.servers.vendors import MillionVerifierFake

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("sites", "mx")]
HOTELS = (
    "name,city,country,website,email,contact_name\n"
    "Hotel Alfama Azul,Lisboa,Portugal,http://alfama-azul.test/,,\n"
    "Quinta da Serra,Sintra,Portugal,http://quinta-serra.test/,,Jorge Matos\n"
    "Casa do Largo,Lisboa,Portugal,http://casa-largo.test/,,\n"
    "Gone Hotel,Faro,Portugal,http://gone-hotel.test/,ana@gone-hotel.test,\n"
    ",Faro,Portugal,,,\n"
)


@pytest.fixture
def queue(monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any) -> Any:
    """Tasks run in-process, as a worker would run them, once the enqueuing commits."""
    monkeypatch.setattr(Conf, "SYNC", True)
    return django_capture_on_commit_callbacks


@pytest.fixture
def campaign() -> Campaign:
    CampaignFactory(name="Other", is_default=False)
    CampaignFactory(name="Paused default", is_default=True, status=Campaign.Status.PAUSED)
    return CampaignFactory(name="Hotels", is_default=True)


def run_daily(queue: Any) -> PipelineRun:
    with queue(execute=True):
        message = tasks.daily_pipeline()
    return PipelineRun.objects.get(pk=int(message.split()[1].rstrip(":")))


@pytest.fixture
def storage_file() -> str:
    return default_storage.save("imports/incoming/hotels.csv", ContentFile(HOTELS.encode()))


def test_files_in_storage_end_up_enrolled(
    queue: Any, campaign: Campaign, mv: MillionVerifierFake, storage_file: str
) -> None:
    mv.add("ana.ribeiro@alfama-azul.test", "ok")
    mv.add("reservas@alfama-azul.test", "ok")
    mv.add("jorge.matos@quinta-serra.test", "ok")
    mv.add("info@casa-largo.test", "invalid")
    run = run_daily(queue)

    assert default_storage.listdir("imports/incoming/")[1] == []
    done = default_storage.listdir("imports/done/")[1]
    assert len(done) == 2 and any(name.endswith("hotels.csv.errors.json") for name in done)
    stage = dict(Prospect.objects.values_list("name", "stage"))
    assert stage == {
        "Hotel Alfama Azul": "ready",
        "Quinta da Serra": "ready",  # robots.txt refused; its named contact was found
        "Casa do Largo": "enriched",  # its only address is invalid
        "Gone Hotel": "enriched",  # no MX for its domain
    }
    gone = Contact.objects.get(email="ana@gone-hotel.test")
    assert (gone.verification, gone.verification_evidence["decided_by"]) == ("invalid", "mx")
    enrolled = Enrollment.objects.filter(campaign=campaign).values_list("contact__email", flat=True)
    assert sorted(enrolled) == ["ana.ribeiro@alfama-azul.test", "jorge.matos@quinta-serra.test"]
    assert Enrollment.objects.count() == 2
    assert (run.status, run.counts["pending"]) == ("done", 0)
    counts = run.counts
    assert counts["sourcing"]["created"] == 4 and counts["sourcing"]["row_errors"] == 1
    assert counts["enrichment"] == {
        "queued": 4, "done": 4, "enriched": 2, "refused": 1, "unreachable": 1,
        "contacts_created": 4,
    }  # fmt: skip
    assert counts["finder"]["checked"] == 6 and counts["finder"]["valid"] == 3
    assert counts["enrolment"] == {"enrolled": 2, "no_sendable_contact": 0}
    assert run.errors[0]["detail"] == "missing name" and run.errors[0]["line"] == 6
    alfama = Prospect.objects.get(name="Hotel Alfama Azul")
    assert alfama.tier == "hot" and alfama.score >= 70

    again = run_daily(queue)
    assert again.status == "done"
    assert again.counts["enrichment"]["queued"] == again.counts["finder"]["queued"] == 0
    assert again.counts["enrolment"]["enrolled"] == 0 and Enrollment.objects.count() == 2


def test_without_an_active_default_campaign_nobody_is_enrolled(
    queue: Any, mv: MillionVerifierFake, storage_file: str
) -> None:
    mv.default_result = "ok"
    run = run_daily(queue)
    assert run.counts["enrolment"]["enrolled"] == 0
    assert run.counts["enrolment"]["no_default_campaign"] == 3  # all but Gone Hotel
    assert Enrollment.objects.count() == 0


def test_a_task_that_fails_for_good_is_a_dead_letter_and_replays(
    queue: Any, campaign: Campaign, no_vendors: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    prospect = Prospect.objects.create(name="Casa do Largo", name_key="casa do largo",
                                       website="http://casa-largo.test/", domain="casa-largo.test")  # fmt: skip

    def broken(**kwargs: Any) -> None:
        raise RuntimeError("parser exploded")

    monkeypatch.setattr(tasks, "prospect_enrich", broken)
    monkeypatch.setattr(tasks, "knob", lambda key: 1)  # one attempt, straight to the letter
    run = run_daily(queue)
    letter = DeadLetter.objects.get()
    assert (letter.kind, letter.task_name) == ("enrichment", "prospects.tasks.enrich_prospect")
    assert letter.payload == {"args": [prospect.pk]} and "parser exploded" in letter.error
    assert (run.status, run.counts["enrichment"]["failed"]) == ("done", 1)
    assert "parser exploded" in run.errors[0]["detail"]

    monkeypatch.undo()
    monkeypatch.setattr(Conf, "SYNC", True)
    with queue(execute=True):
        deadletter_replay(letter_id=letter.pk)
    prospect.refresh_from_db()
    assert prospect.stage == "enriched"
    assert list(prospect.contacts.values_list("email", flat=True)) == ["info@casa-largo.test"]


def test_a_run_whose_tasks_were_lost_is_closed_by_the_next(queue: Any, no_vendors: None) -> None:
    lost = PipelineRun.objects.create(kind="daily", counts={"pending": 3})
    PipelineRun.objects.filter(pk=lost.pk).update(started_at=lost.started_at.replace(year=2020))
    run_daily(queue)
    lost.refresh_from_db()
    assert lost.status == "failed" and "never came back" in lost.errors[0]["detail"]
