"""Where the DNS preflight shows and acts: enforce blocks the claim until an override (audited),
warn alerts, the status API, the admin, initialize-inboxes, the daily task, the dashboard."""

from __future__ import annotations

import io
import os
import time
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from rest_framework.test import APIClient

from console.schedules import specs
from core.models import Alert, AuditLog
from inboxes import tasks
from inboxes.models import Inbox, InboxPreflight
from inboxes.services import preflight_override, preflight_run
from outreach.models import OutboundEmail
from outreach.services import claim_next, prepare_due
from tests.factories import InboxFactory
from tests.inboxes import preflight_zones as z
from tests.outreach.helpers import TUESDAY_10, enrolled
from tests.servers.dns import DNSTestServer

pytestmark = pytest.mark.django_db
KEYS = {"checked_at", "mx", "spf", "dkim", "dmarc", "rdns"}


def _no_spf() -> dict[str, Any]:
    zone = z.good_zone()
    zone[z.DOMAIN]["TXT"] = ["v=spf1 ip4:192.0.2.1 -all"]
    return zone


def _due_email_for(inbox: Inbox) -> None:
    enrolled()
    prepare_due(now=TUESDAY_10)
    assert OutboundEmail.objects.filter(status="queued").count() == 1


# --- enforce ------------------------------------------------------------------------------
def test_enforce_holds_a_failing_inbox_until_the_operator_overrides(
    dns_server: DNSTestServer, settings: Any, staff_user: Any
) -> None:
    z.use(dns_server, settings, _no_spf(), mode="enforce")
    inbox = z.smtp_inbox(dkim_selector="s1")
    _due_email_for(inbox)
    row = preflight_run(inbox=inbox)
    assert row is not None and row.blocking

    assert claim_next(inbox_id=inbox.pk, now=TUESDAY_10) is None
    assert OutboundEmail.objects.get().status == "queued"

    assert preflight_override(inbox=inbox, actor=staff_user) is True
    assert preflight_override(inbox=inbox, actor=staff_user) is False  # already overridden
    claim = claim_next(inbox_id=inbox.pk, now=TUESDAY_10)
    assert claim is not None and OutboundEmail.objects.get().status == "sending"
    audit = AuditLog.objects.get(action="inbox_preflight_override")
    assert (audit.actor, audit.object_id, audit.detail["failed"]) == (
        staff_user,
        str(inbox.pk),
        ["spf"],
    )


def test_a_fixed_domain_clears_the_override_so_a_new_failure_blocks_again(
    dns_server: DNSTestServer, settings: Any
) -> None:
    z.use(dns_server, settings, _no_spf(), mode="enforce")
    inbox = z.smtp_inbox(dkim_selector="s1")
    preflight_run(inbox=inbox)
    preflight_override(inbox=inbox, actor="op")

    dns_server.records.update(z.good_zone())
    fixed = preflight_run(inbox=inbox)
    assert fixed is not None and (fixed.blocking, fixed.override_at) == (False, None)

    dns_server.records.update(_no_spf())
    broken = preflight_run(inbox=inbox)
    assert broken is not None and broken.blocking and broken.override_at is None


def test_warn_mode_never_blocks_but_raises_one_alert(
    dns_server: DNSTestServer, settings: Any
) -> None:
    z.use(dns_server, settings, _no_spf(), mode="warn")
    inbox = z.smtp_inbox(dkim_selector="s1")
    _due_email_for(inbox)
    preflight_run(inbox=inbox)
    preflight_run(inbox=inbox)  # the same failure the same day: one alert

    alert = Alert.objects.get(kind="dns_preflight")
    assert alert.title == "DNS preflight: smtp-1 (hotel-sender.net) fails spf"
    assert "does not authorise the SMTP host" in alert.body
    assert claim_next(inbox_id=inbox.pk, now=TUESDAY_10) is not None


def test_off_runs_nothing(dns_server: DNSTestServer, settings: Any) -> None:
    z.use(dns_server, settings, _no_spf(), mode="off")
    assert preflight_run(inbox=z.smtp_inbox()) is None
    assert dns_server.queries == [] and not InboxPreflight.objects.exists()


# --- status API ---------------------------------------------------------------------------
def test_status_api_shows_every_preflight_key(
    dns_server: DNSTestServer, settings: Any, api: APIClient
) -> None:
    z.use(dns_server, settings, _no_spf(), mode="enforce")
    checked = z.smtp_inbox(dkim_selector="s1")
    z.smtp_inbox(key="smtp-2", address="bo@hotel-sender.net")
    maildir = InboxFactory(key="demo")
    preflight_run(inbox=checked)

    rows = {r["inboxId"]: r["preflight"] for r in api.get("/api/status/inboxes").json()["inboxes"]}

    for data in rows.values():
        assert set(data) >= KEYS
        for key in KEYS - {"checked_at"}:
            assert set(data[key]) == {"result", "reason"}
    assert rows["smtp-1"]["checked_at"] is not None
    assert rows["smtp-1"]["spf"]["result"] == "fail" and rows["smtp-1"]["sending_held"] is True
    assert rows["smtp-2"]["checked_at"] is None
    assert {rows["smtp-2"][k]["result"] for k in KEYS - {"checked_at"}} == {"not_checked"}
    assert rows["smtp-2"]["spf"]["reason"] == "never checked"
    assert "Maildir" in rows[maildir.key]["mx"]["reason"]


def test_api_runs_the_preflight_and_sets_the_override(
    dns_server: DNSTestServer, settings: Any, api: APIClient, staff_user: Any
) -> None:
    z.use(dns_server, settings, _no_spf(), mode="enforce")
    inbox = z.smtp_inbox(dkim_selector="s1")
    url = "/api/admin/inbox-preflight"

    ran = api.post(url, {"inboxId": "smtp-1"}, format="json").json()
    assert ran["preflight"]["spf"]["result"] == "fail" and ran["preflight"]["sending_held"]

    held = api.post(url, {"inboxId": inbox.pk, "override": True}, format="json").json()
    assert (held["changed"], held["preflight"]["sending_held"]) == (True, False)
    audit = AuditLog.objects.get(action="inbox_preflight_override")
    assert audit.actor == staff_user

    back = api.post(url, {"inboxId": "smtp-1", "override": False}, format="json").json()
    assert (back["changed"], back["preflight"]["sending_held"]) == (True, True)
    assert api.post(url, {"inboxId": "nope"}, format="json").status_code == 404


# --- admin --------------------------------------------------------------------------------
def test_admin_action_runs_the_preflight_and_the_page_shows_it(
    dns_server: DNSTestServer, settings: Any, admin_client: Client
) -> None:
    z.use(dns_server, settings, _no_spf())
    inbox = z.smtp_inbox(dkim_selector="s1")

    response = admin_client.post(
        "/admin/inboxes/inbox/",
        {"action": "run_dns_preflight", "_selected_action": [inbox.pk]},
        follow=True,
    )

    assert "DNS preflight ran for 1 inbox(es); SPF or DMARC failing: smtp-1" in (
        response.content.decode()
    )
    assert InboxPreflight.objects.get(inbox=inbox).results["spf"]["result"] == "fail"
    assert AuditLog.objects.filter(action="inbox_preflight", object_id=str(inbox.pk)).exists()
    listing = admin_client.get("/admin/inboxes/inbox/").content.decode()
    assert "fail: spf" in listing
    page = admin_client.get(f"/admin/inboxes/inbox/{inbox.pk}/change/").content.decode()
    assert "does not authorise the SMTP host mail.hotel-sender.net" in page
    assert 'name="dkim_selector"' in page


def test_admin_override_action_is_audited(
    dns_server: DNSTestServer, settings: Any, admin_client: Client
) -> None:
    z.use(dns_server, settings, _no_spf(), mode="enforce")
    inbox = z.smtp_inbox(dkim_selector="s1")
    preflight_run(inbox=inbox)

    admin_client.post(
        "/admin/inboxes/inbox/",
        {"action": "override_dns_preflight", "_selected_action": [inbox.pk]},
    )

    assert InboxPreflight.objects.get(inbox=inbox).override_by == "admin"
    assert AuditLog.objects.filter(action="inbox_preflight_override").count() == 1


def test_dashboard_badge_counts_failing_inboxes(
    dns_server: DNSTestServer, settings: Any, admin_client: Client
) -> None:
    z.use(dns_server, settings, _no_spf(), mode="enforce")
    preflight_run(inbox=z.smtp_inbox(dkim_selector="s1"))

    page = admin_client.get("/admin/").content.decode()

    assert 'id="dns-preflight"' in page
    assert "1 failing" in page and "sending held: smtp-1" in page


# --- initialize-inboxes and the daily schedule --------------------------------------------
def test_initialize_inboxes_runs_the_preflight(
    dns_server: DNSTestServer, settings: Any, api: APIClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in [n for n in os.environ if n.startswith("SMTP_INBOX_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("SMTP_INBOX_1", f"ana@{z.DOMAIN}|pw|{z.SMTP_HOST}|587|Ana")
    z.use(dns_server, settings, z.good_zone())

    report = api.post("/api/admin/initialize-inboxes").json()

    assert report["created"] == ["smtp-1"]
    assert report["preflight"] == ["smtp-1: mx pass, spf pass, dkim pass, dmarc pass, rdns pass"]
    assert InboxPreflight.objects.get(inbox__key="smtp-1").checked_at is not None

    out = io.StringIO()
    call_command("initialize_inboxes", stdout=out)
    assert "DNS preflight smtp-1: mx pass, spf pass, dkim pass, dmarc pass, rdns pass" in (
        out.getvalue().splitlines()
    )


@pytest.mark.slow
def test_initialize_inboxes_stays_bounded_with_a_stalled_dns(
    settings: Any, api: APIClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    for n in (1, 2, 3):
        monkeypatch.setenv(f"SMTP_INBOX_{n}", f"u{n}@d{n}-sender.net|pw|{z.SMTP_HOST}|587|U")
    with DNSTestServer({}, delay=2.5) as stalled:
        z.use(stalled, settings, {})
        started = time.monotonic()
        report = api.post("/api/admin/initialize-inboxes").json()
        elapsed = time.monotonic() - started

    assert elapsed < 12.0  # the three domains are checked side by side, 10 s each at most
    assert len(report["preflight"]) == 3
    assert all("mx warn" in line for line in report["preflight"])


def test_the_daily_schedule_checks_every_inbox(dns_server: DNSTestServer, settings: Any) -> None:
    z.use(dns_server, settings, _no_spf())
    z.smtp_inbox(dkim_selector="s1")
    InboxFactory(key="demo")
    InboxFactory(key="gone", status=Inbox.Status.DISABLED)

    spec = next(s for s in specs() if s.func == "inboxes.tasks.dns_preflight")
    summary = tasks.dns_preflight()

    assert spec.cron == "15 5 * * *"
    assert summary == "2 inbox(es) checked; SPF/DMARC failing: smtp-1"
