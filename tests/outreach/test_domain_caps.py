"""Per-recipient-domain and per-provider daily caps: what a send pass lets go, day by day."""

from __future__ import annotations

import importlib
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.apps import apps as django_apps

from inboxes.models import InboxDay
from outreach.models import Campaign, DomainDay, OutboundEmail
from outreach.services import enroll, run_send_pass
from outreach.services.domaincaps import parse_provider_caps, provider_caps
from prospects.models import Contact
from prospects.mxproviders import mx_provider
from prospects.services.verify import contact_verify
from tests.factories import CampaignFactory, ContactFactory, InboxFactory
from tests.outreach.helpers import enrolled, smtp_inbox
from tests.servers.dns import DNSTestServer

pytestmark = pytest.mark.django_db

TUESDAY_2330 = datetime(2026, 12, 1, 23, 30, tzinfo=UTC)


@pytest.fixture(autouse=True)
def all_hours(settings: Any) -> None:
    """Every hour of every day is a send window here: only the caps hold emails back."""
    settings.JENGU = {
        **settings.JENGU,
        "SEND_HOURS": "0-24",
        "SEND_DAYS": "mon-sun",
        "DOMAIN_DAILY_CAP": 2,
        "PROVIDER_DAILY_CAPS": "",
    }


def _inboxes(n: int = 2) -> None:
    for _ in range(n):
        InboxFactory(warmup_schedule="100")


def _to(*addresses: str, campaign: Campaign | None = None, **contact: Any) -> list[int]:
    """Enroll one contact per address; their first emails are written by the send pass."""
    campaign = campaign or CampaignFactory()
    return [enrolled(campaign, email=a, **contact)[0].contact_id for a in addresses]


def _email(contact_id: int) -> OutboundEmail:
    return OutboundEmail.objects.get(contact_id=contact_id)


def _statuses(contacts: list[int]) -> list[str]:
    return [_email(c).status for c in contacts]


def _counter(kind: str, key: str, day: date) -> tuple[int, int]:
    row = DomainDay.objects.get(kind=kind, key=key, day=day)
    return row.reserved, row.sent


def test_subdomains_of_one_registrable_domain_share_its_cap_across_inboxes() -> None:
    with time_machine.travel(TUESDAY_2330 - timedelta(hours=13), tick=False):
        _inboxes(3)
        grupo = _to("ana@reservas.grupo.es", "rui@grupo.es", "eva@lisboa.grupo.es")
        (other,) = _to("joao@outro.pt")
        report = run_send_pass()
    assert report.sent == 3
    assert _statuses(grupo).count("sent") == 2
    assert _email(other).status == "sent"
    (waiting,) = [_email(c) for c in grupo if _email(c).status == "queued"]
    assert "domain cap reached for grupo.es" in report.skipped[waiting.pk]
    # It waits for the next UTC day; it does not fail.
    assert waiting.send_after == datetime(2026, 12, 2, tzinfo=UTC)
    assert _counter("domain", "grupo.es", date(2026, 12, 1)) == (0, 2)


def test_the_status_api_shows_todays_counters_and_caps(api: Any, settings: Any) -> None:
    settings.JENGU = {**settings.JENGU, "PROVIDER_DAILY_CAPS": "google=30,yahoo=off"}
    with time_machine.travel(TUESDAY_2330 - timedelta(hours=13), tick=False):
        _inboxes(2)
        _to("ana@reservas.grupo.es", "rui@grupo.es", "eva@grupo.es", mx_provider="google")
        run_send_pass()
        body = api.get("/api/status/domain-caps").json()
    assert body["day"] == "2026-12-01" and body["resets_at"] == "2026-12-02T00:00:00+00:00"
    assert body["domain_cap"] == 2
    assert body["provider_caps"]["google"] == 30 and "yahoo" not in body["provider_caps"]
    assert body["domains"] == [{"domain": "grupo.es", "reserved": 0, "sent": 2, "cap": 2}]
    assert body["providers"] == [{"provider": "google", "reserved": 0, "sent": 2, "cap": 30}]


def test_a_campaign_cap_overrides_the_global_one(settings: Any) -> None:
    settings.JENGU = {**settings.JENGU, "DOMAIN_DAILY_CAP": 1}
    generous = CampaignFactory(domain_daily_cap=3)
    with time_machine.travel(TUESDAY_2330 - timedelta(hours=13), tick=False):
        _inboxes(2)
        big = _to("a@big.es", "b@big.es", "c@big.es", "d@big.es", campaign=generous)
        small = _to("a@small.es", "b@small.es")
        run_send_pass()
    assert _statuses(big).count("sent") == 3
    assert _statuses(small).count("sent") == 1


def test_a_cap_of_zero_means_no_cap(settings: Any) -> None:
    settings.JENGU = {**settings.JENGU, "DOMAIN_DAILY_CAP": 0}
    with time_machine.travel(TUESDAY_2330 - timedelta(hours=13), tick=False):
        _inboxes(1)
        _to(*(f"p{n}@chain.es" for n in range(4)))
        assert run_send_pass().sent == 4
    assert _counter("domain", "chain.es", date(2026, 12, 1)) == (0, 4)  # still counted


def test_the_utc_day_rolls_over_at_midnight() -> None:
    with time_machine.travel(TUESDAY_2330, tick=False) as clock:
        _inboxes(1)
        ids = _to("a@casa.pt", "b@casa.pt", "c@casa.pt")
        assert run_send_pass().sent == 2
        clock.move_to(datetime(2026, 12, 1, 23, 59, 59, tzinfo=UTC))
        assert run_send_pass().sent == 0
        clock.move_to(datetime(2026, 12, 2, 0, 0, 1, tzinfo=UTC))
        assert run_send_pass().sent == 1
    assert _statuses(ids) == ["sent", "sent", "sent"]
    assert _counter("domain", "casa.pt", date(2026, 12, 1)) == (0, 2)
    assert _counter("domain", "casa.pt", date(2026, 12, 2)) == (0, 1)


def test_a_try_later_gives_the_slot_back_and_a_send_counts(smtp_server: Any, settings: Any) -> None:
    settings.JENGU = {**settings.JENGU, "DOMAIN_DAILY_CAP": 1}
    smtp_server.fail_next("rcpt", "450 4.2.1 Mailbox busy, try again later")
    with time_machine.travel(TUESDAY_2330 - timedelta(hours=13), tick=False):
        smtp_inbox(smtp_server, settings, warmup_schedule="100")
        first, second = _to("a@quinta.pt", "b@quinta.pt")
        report = run_send_pass()
    # The first was refused for now: its slot came back, so the second could use it today.
    assert report.outcomes == {"retry": 1, "sent": 1}
    assert _statuses([first, second]) == ["queued", "sent"]
    assert _email(first).cap_day is None
    assert _counter("domain", "quinta.pt", date(2026, 12, 1)) == (0, 1)
    assert [m.rcpt_tos for m in smtp_server.messages] == [["b@quinta.pt"]]


def test_the_warmup_limit_leaves_the_domain_slot_free() -> None:
    with time_machine.travel(TUESDAY_2330 - timedelta(hours=13), tick=False):
        inbox = InboxFactory(warmup_schedule="1")
        ids = _to("a@casa.pt", "b@casa.pt")
        assert run_send_pass().sent == 1
    assert _statuses(ids).count("queued") == 1
    assert InboxDay.objects.get(inbox=inbox).sent == 1
    assert _counter("domain", "casa.pt", date(2026, 12, 1)) == (0, 1)


# --- providers --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("hosts", "domain", "provider"),
    [
        (["aspmx.l.google.com", "alt1.aspmx.l.google.com"], "casa.pt", "google"),
        (["casa-pt.mail.protection.outlook.com"], "casa.pt", "microsoft"),
        (["mx1.mail.ovh.net"], "hotel.fr", "ovh"),
        (["mx00.ionos.es"], "hotel.es", "ionos"),
        (["mx.hotel.fr", "aspmx.l.google.com"], "hotel.fr", "google"),  # first recognised
        (["mx.hotel.fr"], "hotel.fr", ""),
        (["notgoogle.com"], "hotel.fr", ""),
        (["aspmx.l.google.com"], "hotel.test", ""),  # a reserved test domain: never
        (["aspmx.l.google.com"], "hotel.example", ""),
    ],
)
def test_the_provider_comes_from_the_mx_hosts(hosts: list[str], domain: str, provider: str) -> None:
    assert mx_provider(hosts, domain=domain) == provider


def test_provider_caps_merge_the_environment_over_the_defaults(settings: Any) -> None:
    settings.JENGU = {**settings.JENGU, "PROVIDER_DAILY_CAPS": "google=5, microsoft=off"}
    caps = provider_caps()
    assert caps["google"] == 5 and "microsoft" not in caps and caps["yahoo"] == 20
    with pytest.raises(ValueError, match="unknown provider"):
        parse_provider_caps("gooogle=5")
    with pytest.raises(ValueError, match="name=N"):
        parse_provider_caps("google=lots")


GOOGLE_MX = {"MX": [(1, "aspmx.l.google.com"), (5, "alt1.aspmx.l.google.com")]}


def test_the_provider_stored_at_verification_caps_sends_without_a_dns_lookup(
    settings: Any, dns_server: DNSTestServer
) -> None:
    settings.JENGU = {
        **settings.JENGU,
        "DNS_RESOLVER": dns_server.address,
        "DNS_TIMEOUT": 2.0,
        "PROVIDER_DAILY_CAPS": "google=2",
        "SEND_UNVERIFIED": True,
    }
    for name in ("HUNTER", "APOLLO", "MILLIONVERIFIER"):
        setattr(settings, f"{name}_API_KEY", "")
    google = ["casa-azul.pt", "quinta-verde.pt", "solar-velho.pt"]
    dns_server.records.update({d: GOOGLE_MX for d in google})
    dns_server.records["hotel-lago.test"] = GOOGLE_MX  # a reserved test TLD: no provider
    dns_server.records["moinho.pt"] = {"MX": [(0, "moinho-pt.mail.protection.outlook.com")]}
    addresses = [f"ana@{d}" for d in [*google, "hotel-lago.test", "moinho.pt"]]
    with time_machine.travel(TUESDAY_2330 - timedelta(hours=13), tick=False):
        _inboxes(2)
        contacts = []
        for address in addresses:
            contact = ContactFactory(email=address, verification=Contact.Verification.UNKNOWN)
            contact_verify(contact=contact)
            contacts.append(Contact.objects.get(pk=contact.pk))
        assert [c.mx_provider for c in contacts] == ["google"] * 3 + ["", "microsoft"]
        campaign = CampaignFactory()
        for contact in contacts:
            enroll(contact=contact, campaign=campaign, now=TUESDAY_2330 - timedelta(hours=13))
        looked_up = len(dns_server.queries)
        report = run_send_pass()
    assert len(dns_server.queries) == looked_up  # the claim never asks DNS
    ids = [c.pk for c in contacts]
    assert _statuses(ids[:3]).count("sent") == 2
    assert _statuses(ids[3:]) == ["sent", "sent"]
    (waiting,) = [_email(c) for c in ids[:3] if _email(c).status == "queued"]
    assert "provider cap reached for google" in report.skipped[waiting.pk]
    assert _counter("provider", "google", date(2026, 12, 1)) == (0, 2)
    assert _counter("provider", "microsoft", date(2026, 12, 1)) == (0, 1)


def test_a_reserved_test_domain_gets_only_the_domain_cap(settings: Any) -> None:
    settings.JENGU = {**settings.JENGU, "PROVIDER_DAILY_CAPS": "google=1"}
    with time_machine.travel(TUESDAY_2330 - timedelta(hours=13), tick=False):
        _inboxes(1)
        ids = _to("a@one.example", "b@two.example", "c@three.test", mx_provider="google")
        assert run_send_pass().sent == 3
    assert _statuses(ids) == ["sent"] * 3
    assert not DomainDay.objects.filter(kind="provider").exists()


def test_the_admin_sets_a_campaign_cap_and_shows_the_counters(admin_client: Any) -> None:
    campaign = CampaignFactory()
    form = {"name": campaign.name, "strategy": campaign.strategy, "status": "active"}
    form |= {"domain_daily_cap": "5", "ab_min_sample": "100"}
    form |= {"steps-TOTAL_FORMS": "0", "steps-INITIAL_FORMS": "0"}
    form |= {"variants-TOTAL_FORMS": "0", "variants-INITIAL_FORMS": "0"}
    page = admin_client.post(f"/admin/outreach/campaign/{campaign.pk}/change/", form)
    assert page.status_code == 302, page.content[:2000]
    campaign.refresh_from_db()
    assert campaign.domain_daily_cap == 5
    DomainDay.objects.create(kind="domain", key="grupo.es", day=date(2026, 12, 1), sent=2)
    listing = admin_client.get("/admin/outreach/domainday/")
    assert listing.status_code == 200 and b"grupo.es" in listing.content
    assert admin_client.get("/admin/outreach/domainday/add/").status_code == 403


def test_a_failed_lookup_keeps_the_provider_known(settings: Any, dns_server: DNSTestServer) -> None:
    settings.JENGU = {**settings.JENGU, "DNS_RESOLVER": dns_server.address, "DNS_TIMEOUT": 2.0}
    for name in ("HUNTER", "APOLLO", "MILLIONVERIFIER"):
        setattr(settings, f"{name}_API_KEY", "")
    dns_server.records["casa-azul.pt"] = "SERVFAIL"
    contact = ContactFactory(email="ana@casa-azul.pt", mx_provider="google")
    contact_verify(contact=contact)
    contact.refresh_from_db()
    assert contact.verification_evidence["mx"]["status"] == "error"
    assert contact.mx_provider == "google"
    dns_server.records["casa-azul.pt"] = {"MX": [(10, "mx1.mail.ovh.net")]}
    contact_verify(contact=contact)
    contact.refresh_from_db()
    assert contact.mx_provider == "ovh"  # the domain moved to another provider


def test_contacts_verified_before_the_field_existed_get_it_from_their_evidence() -> None:
    migration = importlib.import_module("prospects.migrations.0004_mx_provider")
    old = ContactFactory(
        email="ana@quinta.pt",
        verification_evidence={"mx": {"status": "ok", "hosts": ["aspmx.l.google.com"]}},
    )
    test_tld = ContactFactory(
        email="rui@quinta.test",
        verification_evidence={"mx": {"status": "ok", "hosts": ["aspmx.l.google.com"]}},
    )
    unchecked = ContactFactory(email="eva@outro.pt", verification_evidence={})
    migration.backfill(django_apps, None)
    providers = [Contact.objects.get(pk=c.pk).mx_provider for c in (old, test_tld, unchecked)]
    assert providers == ["google", "", ""]
