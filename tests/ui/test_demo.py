"""The demo loop of ``make run``: demo hotels' websites, enrichment through them, sending to
Maildir, the demo responder's replies, and the reader that classifies them and alerts."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone
from django.utils.module_loading import import_string
from django_q.models import Schedule

from compliance.models import Suppression
from console import demo, demo_responder
from console.demo_site import DemoSite, start
from console.schedules import DEMO_PREFIX, demo_specs, setup_schedules
from core.models import Alert
from inboxes.clients.maildir import inbox_path, outbox_path
from inboxes.models import Inbox
from outreach.models import Enrollment, OutboundEmail
from outreach.services.abresults import campaign_results
from outreach.services.enrolment import enroll_ready
from outreach.services.reader import check_inbox
from prospects.models import Prospect
from prospects.tasks import enrich_prospect

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def site() -> Iterator[DemoSite]:
    server = start("http://127.0.0.1:0")
    yield server
    server.stop()


@pytest.fixture
def demo_mode(settings: Any, site: DemoSite, monkeypatch: pytest.MonkeyPatch) -> DemoSite:
    """The demo's settings (what JENGU_DEMO=true applies), and short send passes for tests."""
    settings.JENGU = {
        **settings.JENGU,
        "DEMO": True,
        "SEND_HOURS": "0-24",
        "SEND_DAYS": "mon-sun",
        "CRAWL_PROXY": site.url,
        "CRAWL_DELAY": 0.0,
        "DOMAIN_DAILY_CAP": 0,
    }
    monkeypatch.setattr(demo, "PASS_SECONDS", 0)
    return site


def test_the_demo_site_answers_as_each_hotels_website(site: DemoSite) -> None:
    hotel = demo.HOTELS[0]
    with httpx.Client(proxy=site.url) as client:
        home = client.get(hotel.website + "/")
        contact = client.get(hotel.website + "/contact")
        robots = client.get(hotel.website + "/robots.txt")
        stranger = client.get("http://www.example.org/")
    assert home.status_code == 200 and hotel.name in home.text
    assert hotel.phone in home.text and 'href="/contact"' in home.text
    assert f"mailto:{hotel.email}" in contact.text
    assert robots.text.startswith("User-agent: *")
    assert stranger.status_code == 404  # nothing is forwarded


@pytest.mark.django_db
def test_demo_prospects_are_enriched_from_the_demo_site(demo_mode: DemoSite) -> None:
    demo.load_demo()
    prospect = Prospect.objects.get(name="Casa do Limoeiro")
    assert prospect.stage == Prospect.Stage.NEW
    enrich_prospect(prospect.pk)
    prospect.refresh_from_db()
    assert prospect.stage == Prospect.Stage.READY
    assert prospect.phone == "+351210000101"
    assert prospect.description.startswith("Eight-room boutique guesthouse")
    assert prospect.social["instagram"].endswith("/casadolimoeiro")
    assert prospect.enrichment["found"]["emails"] == ["marta.sousa@casadolimoeiro.example"]
    assert prospect.events.filter(kind="enrichment").exists()


def _deliver_replies() -> None:
    demo_responder.respond()
    for inbox in Inbox.objects.all():
        check_inbox(inbox.pk)


@pytest.mark.django_db
def test_the_demo_loop_sends_gets_replies_classifies_and_alerts(demo_mode: DemoSite) -> None:
    demo.load_demo()
    for prospect in Prospect.objects.all():
        enrich_prospect(prospect.pk)
    assert enroll_ready(timezone.now())["enrolled"] == len(demo.HOTELS)
    assert demo.send_pass().startswith(f"sent {len(demo.HOTELS)}")
    assert len(list((outbox_path() / "new").iterdir())) == len(demo.HOTELS)

    _deliver_replies()
    assert not list((outbox_path() / "new").iterdir())  # each sent message was read once
    stages = dict(Prospect.objects.values_list("name", "stage"))
    assert stages["Casa do Limoeiro"] == "meeting"
    assert stages["Hôtel des Tilleuls"] == "engaged"
    assert stages["Villa Ginestra"] == "lost"
    assert Suppression.objects.filter(email="hannah.pryce@thesaltmarshinn.example").exists()
    kinds = set(Alert.objects.values_list("kind", flat=True))
    assert {"meeting_request", "interested", "manual_review"} <= kinds

    # Three "days" later, in minutes: the follow-ups of the silent ones go, in their threads.
    with time_machine.travel(timezone.now() + timedelta(minutes=4)):
        demo.send_pass()
        _deliver_replies()
    step_two = OutboundEmail.objects.filter(step=2, status="sent")
    assert step_two.count() == 6  # 12 - 5 replied - the out-of-office postponed
    assert all(e.in_reply_to for e in step_two)
    stages = dict(Prospect.objects.values_list("name", "stage"))
    assert stages["Landhaus am See"] == "meeting"
    assert stages["Posada del Río"] == "lost"
    _the_ab_test_has_results()


def _the_ab_test_has_results() -> None:
    """The demo campaign's first email is an A/B test of two subject lines; both were sent
    to half the hotels, and the replies count for the variant each hotel got."""
    campaign = demo.demo_campaign()
    (step,) = campaign_results(campaign)
    a, b = step.variants
    assert (a.label, b.label) == ("A", "B")
    assert a.sent == b.sent == len(demo.HOTELS) // 2
    assert a.replies + b.replies >= 5 and a.positive + b.positive >= 2
    for email in OutboundEmail.objects.filter(step=1):
        assert email.subject == demo.DEMO_VARIANTS[email.variant].format(
            prospect_name=email.prospect.name
        )


@pytest.mark.django_db
def test_an_out_of_office_postponement_is_not_compressed(demo_mode: DemoSite) -> None:
    demo.load_demo()
    prospect = Prospect.objects.get(name="Hotel Azulejo Boutique")
    enrich_prospect(prospect.pk)
    enroll_ready(timezone.now())
    demo.send_pass()
    _deliver_replies()
    enrollment = Enrollment.objects.get(prospect=prospect)
    assert enrollment.next_send_at > timezone.now() + timedelta(days=3)  # back in 3 days
    demo.compress_delays()
    enrollment.refresh_from_db()
    assert enrollment.next_send_at > timezone.now() + timedelta(days=3)


@pytest.mark.django_db
def test_outside_demo_mode_the_demo_tasks_do_nothing(settings: Any) -> None:
    settings.JENGU = {**settings.JENGU, "DEMO": False}
    (outbox_path() / "new").mkdir(parents=True)
    (outbox_path() / "new" / "1.eml").write_bytes(b"To: a@casadolimoeiro.example\r\n\r\nhi\r\n")
    assert "not in demo mode" in demo_responder.respond()
    assert "not in demo mode" in demo.send_pass()
    assert "not in demo mode" in demo.pipeline()
    assert (outbox_path() / "new" / "1.eml").exists()


@pytest.mark.django_db
def test_replies_land_in_the_maildir_of_the_inbox_that_sent(demo_mode: DemoSite) -> None:
    demo.load_demo()
    prospect = Prospect.objects.get(name="Casa do Limoeiro")
    enrich_prospect(prospect.pk)
    enroll_ready(timezone.now())
    demo.send_pass()
    sender = OutboundEmail.objects.get(prospect=prospect).inbox
    assert demo_responder.respond() == "read 1 sent message(s), replied to 1"
    (reply,) = (inbox_path(sender) / "new").iterdir()
    assert b"In-Reply-To: " + OutboundEmail.objects.get(prospect=prospect).message_id.encode() in (
        reply.read_bytes()
    )


@pytest.mark.django_db
def test_demo_schedules_exist_only_in_a_demo_install(settings: Any, tmp_path: Path) -> None:
    settings.VAR_DIR = tmp_path
    call_command("bootstrap", "--demo")
    demo_rows = Schedule.objects.filter(name__startswith=DEMO_PREFIX)
    assert demo_rows.count() == 3
    for row in demo_rows:
        assert callable(import_string(row.func))
    pipeline = demo_rows.get(func="console.demo.pipeline")
    assert pipeline.next_run <= timezone.now()  # right after start
    report = setup_schedules(demo=False)
    assert sorted(report["removed"]) == sorted(s.name for s in demo_specs())
    assert not Schedule.objects.filter(name__startswith=DEMO_PREFIX).exists()
    assert Schedule.objects.filter(name="Email sending").exists()


def _settings_in(env: dict[str, str], tmp_path: Path) -> dict[str, Any]:
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps({k: s.JENGU.get(k, '') for k in ('SEND_HOURS', 'SEND_DAYS', "
        "'SEND_GAP_SECONDS', 'CRAWL_PROXY', 'DOMAIN_DAILY_CAP')} | "
        "{'workers': s.Q_CLUSTER['workers']}))"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("JENGU_", "Q_"))}
    run = subprocess.run(
        [sys.executable, "-c", code],
        env={**clean, "DJANGO_SETTINGS_MODULE": "jengu.settings", "JENGU_VAR_DIR": str(tmp_path),
             **env},
        cwd=ROOT, capture_output=True, text=True, check=True, timeout=60,
    )  # fmt: skip
    return json.loads(run.stdout.strip().splitlines()[-1])


def test_the_compressed_clock_applies_only_in_demo_mode(tmp_path: Path) -> None:
    normal = _settings_in({}, tmp_path)
    assert (normal["SEND_HOURS"], normal["SEND_DAYS"], normal["CRAWL_PROXY"]) == (
        "9-17",
        "mon-fri",
        "",
    )
    compressed = _settings_in(
        {"JENGU_DEMO": "true", "JENGU_DEMO_SITE_URL": "http://127.0.0.1:9"}, tmp_path
    )
    assert compressed["SEND_HOURS"] == "0-24"
    assert compressed["SEND_DAYS"] == "mon-sun"
    assert compressed["SEND_GAP_SECONDS"] == "5-10"
    assert compressed["CRAWL_PROXY"] == "http://127.0.0.1:9"
    # A whole sequence goes out within minutes: the per-domain cap would stop it at step 2.
    assert (normal["DOMAIN_DAILY_CAP"], compressed["DOMAIN_DAILY_CAP"]) == (2, 0)
    # A variable the operator set still wins.
    kept = _settings_in({"JENGU_DEMO": "true", "JENGU_SEND_DAYS": "mon-fri"}, tmp_path)
    assert kept["SEND_DAYS"] == "mon-fri"


@pytest.mark.django_db
def test_the_demo_review_setting_shows_a_queue_to_approve(
    demo_mode: DemoSite, settings: Any, admin_user: Any
) -> None:
    from outreach.services.approval import approval_approve, awaiting_approval

    settings.JENGU = {**settings.JENGU, "DEMO_REVIEW": True}  # JENGU_DEMO_REVIEW=true
    demo.load_demo()
    for prospect in Prospect.objects.all():
        enrich_prospect(prospect.pk)
    enroll_ready(timezone.now())
    assert demo.send_pass().startswith("sent 0")
    queue = list(awaiting_approval().values_list("pk", flat=True))
    assert len(queue) == len(demo.HOTELS)

    approval_approve(email_ids=queue[:2], user=admin_user)
    assert demo.send_pass().startswith("sent 2")
    assert len(list((outbox_path() / "new").iterdir())) == 2
