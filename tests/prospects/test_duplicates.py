"""Near-duplicate hints, and the admin's merge and dismiss actions."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from core.errors import Conflict
from core.models import AuditLog
from outreach.models import Enrollment, InboundMessage, OutboundEmail
from prospects.models import Contact, DuplicateHint, PipelineRun, Prospect, ProspectEvent
from prospects.services import ProspectInput, prospect_create
from prospects.services.blocking import MAX_HINTS
from prospects.services.dedup import duplicate_merge
from prospects.services.imports import import_file
from tests.factories import CampaignFactory

pytestmark = pytest.mark.django_db
CHANGELIST = "/admin/prospects/duplicatehint/"


def create(name: str, city: str, **fields: Any) -> Prospect:
    return prospect_create(data=ProspectInput(name=name, city=city, **fields)).prospect


def test_similar_names_in_one_city_become_a_hint() -> None:
    older = create("Casa do Largo", "Lisboa")
    create("Casa do Largo", "Porto")  # same name elsewhere: not a hint
    summary = import_file(
        "name,city\nCasa de Largo,lisboa\nHotel Tivoli,Lisboa\nCasa de Largo,Porto\n", "x.csv"
    )
    assert summary.as_dict()["hints"] == 2
    newer = Prospect.objects.get(name="Casa de Largo", city="lisboa")
    hint = DuplicateHint.objects.get(other=older)
    assert hint.prospect == newer and hint.similarity == pytest.approx(92.3, abs=0.1)
    porto = DuplicateHint.objects.exclude(pk=hint.pk).get()
    assert (porto.prospect.city, porto.other.city) == ("Porto", "Porto")
    assert not DuplicateHint.objects.filter(prospect__name="Hotel Tivoli").exists()


def test_a_prospect_created_through_the_api_path_is_checked_too() -> None:
    create("Pensão Flor de Sal", "Aveiro")
    create("Pensao Flor do Sal", "Aveiro")
    assert DuplicateHint.objects.count() == 1


def test_a_dismissed_pair_stays_dismissed_on_reimport(tmp_path: Path) -> None:
    create("Casa do Largo", "Lisboa")
    import_file("name,city\nCasa de Largo,Lisboa\n", "x.csv")
    DuplicateHint.objects.update(status=DuplicateHint.Status.DISMISSED)
    import_file("name,city\nCasa de Largo,Lisboa\n", "x.csv")
    assert list(DuplicateHint.objects.values_list("status", flat=True)) == ["dismissed"]


def test_a_crowded_city_gives_a_bounded_number_of_hints_and_still_finds_pairs() -> None:
    """2,000 nearly identical names in one city: each name is compared with a few neighbours
    in its blocks, never with the whole city (200 such rows made 15,539 hints before)."""
    create("Casa do Largo", "Lisboa")
    create("Tivoli Oriente", "Lisboa")
    rows = [f"Hotel Teste Número {i:04d},Lisboa" for i in range(2000)]
    rows += ["Casa de Largo,Lisboa", "Tivloi Oriente,Lisboa"]
    summary = import_file("name,city\n" + "\n".join(rows) + "\n", "crowded.csv")
    assert summary.created == 2002
    assert 0 < summary.hints <= 2002 * MAX_HINTS
    assert DuplicateHint.objects.count() == summary.hints
    for newer, older in (("Casa de Largo", "Casa do Largo"), ("Tivloi Oriente", "Tivoli Oriente")):
        assert DuplicateHint.objects.filter(prospect__name=newer, other__name=older).exists()


@pytest.fixture
def pair() -> tuple[Prospect, Prospect, DuplicateHint]:
    keep = create("Casa do Largo", "Lisboa", contact_email="ana@casadolargo.pt", contact_name="Ana")
    drop = create(
        "Casa de Largo",
        "Lisboa",
        website="https://casa-largo.pt",
        phone="+351 21 000 1234",
        contact_email="info@casa-largo.pt",
    )
    return keep, drop, DuplicateHint.objects.get()


def _outreach_rows(drop: Prospect) -> tuple[Enrollment, OutboundEmail, InboundMessage]:
    contact = drop.contacts.get()
    enrollment = Enrollment.objects.create(
        campaign=CampaignFactory(), contact=contact, prospect=drop
    )
    email = OutboundEmail.objects.create(
        enrollment=enrollment, step=1, prospect=drop, contact=contact, recipient=contact.email,
        message_id="<m1@jengu.test>", send_after=timezone.now(), status="sent",
    )  # fmt: skip
    inbound = InboundMessage.objects.create(prospect=drop, contact=contact, subject="Re: hi")
    return enrollment, email, inbound


def admin_client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_merge_action_moves_contacts_emails_and_history(
    pair: tuple[Prospect, Prospect, DuplicateHint], admin_user: Any
) -> None:
    keep, drop, hint = pair
    enrollment, email, inbound = _outreach_rows(drop)
    ProspectEvent.objects.create(prospect=drop, kind="note", message="Called the owner")
    response = admin_client(admin_user).post(
        CHANGELIST, {"action": "merge", "_selected_action": [hint.pk]}, follow=True
    )
    assert response.status_code == 200
    assert "Merged 1 pair(s)." in response.content.decode()
    for row in (enrollment, email, inbound):
        row.refresh_from_db()
        assert row.prospect_id == keep.pk
    assert set(keep.contacts.values_list("email", flat=True)) == {
        "ana@casadolargo.pt",
        "info@casa-largo.pt",
    }
    assert keep.contacts.filter(is_primary=True).count() == 1
    assert keep.events.filter(message="Called the owner").exists()
    assert keep.events.filter(kind="merged").exists()
    keep.refresh_from_db()
    drop.refresh_from_db()
    assert (keep.domain, keep.phone) == ("casa-largo.pt", "+351 21 000 1234")
    assert (drop.archived, drop.merged_into_id, drop.domain) == (True, keep.pk, "")
    hint.refresh_from_db()
    assert hint.status == DuplicateHint.Status.MERGED
    assert AuditLog.objects.filter(action="prospect_merged").count() == 1
    # a later import naming the merged one lands on the survivor
    import_file("name,city,email\nCasa de Largo,Lisboa,reservas@casa-largo.pt\n", "x.csv")
    assert Contact.objects.get(email="reservas@casa-largo.pt").prospect_id == keep.pk


def test_dismiss_action_keeps_both(
    pair: tuple[Prospect, Prospect, DuplicateHint], admin_user: Any
) -> None:
    _keep, drop, hint = pair
    response = admin_client(admin_user).post(
        CHANGELIST, {"action": "dismiss", "_selected_action": [hint.pk]}, follow=True
    )
    assert "Dismissed 1 pair(s)." in response.content.decode()
    hint.refresh_from_db()
    drop.refresh_from_db()
    assert hint.status == DuplicateHint.Status.DISMISSED and not drop.archived
    assert drop.contacts.count() == 1
    with pytest.raises(Conflict):
        duplicate_merge(hint_id=hint.pk)


def test_hint_list_and_pipeline_runs_show_in_the_admin(
    pair: tuple[Prospect, Prospect, DuplicateHint], admin_user: Any
) -> None:
    keep, _drop, _hint = pair
    client = admin_client(admin_user)
    page = client.get(CHANGELIST).content.decode()
    assert "Casa de Largo" in page and "Lisboa" in page
    import_file("name,city\nHotel Novo,Faro\n,Faro\n", "x.csv")
    run = PipelineRun.objects.create(kind="import", counts={"import": {"created": 1}},
                                     errors=[{"line": 3, "detail": "missing name"}])  # fmt: skip
    assert "import: created 1" in client.get("/admin/prospects/pipelinerun/").content.decode()
    detail = client.get(f"/admin/prospects/pipelinerun/{run.pk}/change/").content.decode()
    assert "missing name" in detail
    Prospect.objects.filter(pk=keep.pk).update(enrichment={"status": "enriched", "pages": []})
    assert "enriched" in client.get(f"/admin/prospects/prospect/{keep.pk}/change/").content.decode()
    contact = keep.contacts.get()
    Contact.objects.filter(pk=contact.pk).update(verification_evidence={"decided_by": "mx"})
    page = client.get(f"/admin/prospects/contact/{contact.pk}/change/").content.decode()
    assert "decided_by" in page
