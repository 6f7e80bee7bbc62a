"""DNS preflight of an inbox's sending domain against the DNS test server: each check's pass,
warn and fail, the timeout bound, and what is never checked."""

from __future__ import annotations

import time
from typing import Any

import pytest

from inboxes.models import Inbox
from inboxes.services import preflight_run
from tests.factories import InboxFactory
from tests.inboxes import preflight_zones as z
from tests.servers.dns import DNSTestServer

pytestmark = pytest.mark.django_db


def _results(dns_server: DNSTestServer, settings: Any, zone: dict[str, Any], **inbox: Any):
    z.use(dns_server, settings, zone)
    row = preflight_run(inbox=z.smtp_inbox(**inbox))
    assert row is not None
    return {key: (value["result"], value["reason"]) for key, value in row.results.items()}


def test_a_domain_set_up_right_passes_every_check(dns_server: DNSTestServer, settings) -> None:
    results = _results(dns_server, settings, z.good_zone(), dkim_selector="s1")

    assert {k: v[0] for k, v in results.items()} == dict.fromkeys(
        ("mx", "spf", "dkim", "dmarc", "rdns"), "pass"
    )
    assert "authorises the SMTP host mail.hotel-sender.net" in results["spf"][1]
    assert "2048-bit rsa" in results["dkim"][1]
    assert "p=quarantine" in results["dmarc"][1]
    assert "HELO" in results["rdns"][1] and z.SMTP_HOST in results["rdns"][1]


def test_without_a_selector_the_common_ones_are_tried(dns_server: DNSTestServer, settings) -> None:
    results = _results(dns_server, settings, z.good_zone())

    assert results["dkim"] == ("pass", "selector 's1': a valid 2048-bit rsa key")
    assert ("s1._domainkey.hotel-sender.net", "TXT") in dns_server.queries


def test_spf_missing_fails_and_so_does_dmarc_alignment(dns_server: DNSTestServer, settings) -> None:
    zone = z.good_zone()
    zone[z.DOMAIN]["TXT"] = ["google-site-verification=abc"]
    zone.pop("s1._domainkey.hotel-sender.net")

    results = _results(dns_server, settings, zone, dkim_selector="s1")

    assert results["spf"] == ("fail", "hotel-sender.net publishes no SPF record")
    assert results["dkim"][0] == "fail"
    assert results["dmarc"][0] == "fail" and "misaligned" in results["dmarc"][1]


def test_spf_that_does_not_authorise_the_smtp_host_fails(
    dns_server: DNSTestServer, settings
) -> None:
    zone = z.good_zone()
    zone[z.DOMAIN]["TXT"] = ["v=spf1 mx ip4:192.0.2.0/24 -all"]

    results = _results(dns_server, settings, zone, dkim_selector="s1")

    assert results["spf"][0] == "fail"
    assert "does not authorise the SMTP host mail.hotel-sender.net" in results["spf"][1]
    # DKIM still passes and is aligned, so DMARC holds.
    assert results["dmarc"][0] == "pass" and "aligned via DKIM" in results["dmarc"][1]


def test_an_unknown_relays_include_is_left_to_the_operator(
    dns_server: DNSTestServer, settings
) -> None:
    # A relay that takes mail on one host and sends it from others: its include may cover them.
    zone = z.good_zone()
    zone[z.DOMAIN]["TXT"] = ["v=spf1 ip4:192.0.2.0/24 include:_spf.relay-example.net -all"]

    results = _results(dns_server, settings, zone, dkim_selector="s1")

    assert results["spf"][0] == "warn"
    assert "passes only if _spf.relay-example.net covers" in results["spf"][1]


def test_spf_over_ten_lookups_fails(dns_server: DNSTestServer, settings) -> None:
    results = _results(dns_server, settings, z.spf_with_too_many_lookups(), dkim_selector="s1")

    assert results["spf"][0] == "fail"
    assert "receivers stop at 10 lookups" in results["spf"][1]


def test_a_hosted_provider_is_authorised_by_its_include(
    dns_server: DNSTestServer, settings
) -> None:
    zone = z.good_zone()
    zone[z.DOMAIN]["TXT"] = ["v=spf1 include:_spf.google.com ~all"]
    zone["_spf.google.com"] = {"TXT": ["v=spf1 ip4:209.85.128.0/17 ~all"]}

    results = _results(dns_server, settings, zone, smtp_host="smtp.gmail.com")

    assert results["spf"] == (
        "pass",
        "v=spf1 include:_spf.google.com ~all authorises _spf.google.com",
    )
    assert results["rdns"][0] == "not_checked"  # Google's servers, Google's reverse DNS


def test_a_graph_inbox_needs_microsofts_include(dns_server: DNSTestServer, settings) -> None:
    results = _results(
        dns_server, settings, z.good_zone(), provider=Inbox.Provider.GRAPH, smtp_host=""
    )

    assert results["spf"][0] == "fail"
    assert "does not authorise spf.protection.outlook.com" in results["spf"][1]


def test_dkim_configured_selector_missing_or_bad_key_fails(
    dns_server: DNSTestServer, settings
) -> None:
    zone = z.good_zone()
    missing = _results(dns_server, settings, zone, dkim_selector="google")
    assert missing["dkim"] == ("fail", "no DKIM key at google._domainkey.hotel-sender.net")

    Inbox.objects.all().delete()
    zone["s1._domainkey.hotel-sender.net"] = {"TXT": ["v=DKIM1; k=rsa; p=bm90IGEga2V5"]}
    bad = _results(dns_server, settings, zone, dkim_selector="s1")
    assert bad["dkim"][0] == "fail" and "does not parse" in bad["dkim"][1]


def test_dkim_through_a_cname_as_microsoft_publishes_it(
    dns_server: DNSTestServer, settings
) -> None:
    zone = z.good_zone()
    target = "selector1-hotel-sender-net._domainkey.hotelsender.onmicrosoft.com"
    zone["selector1._domainkey.hotel-sender.net"] = {"CNAME": target}
    zone[target] = {"TXT": [z.dkim_record(z.dkim_key(1024))]}

    results = _results(dns_server, settings, zone, dkim_selector="selector1")

    assert results["dkim"] == ("pass", "selector 'selector1': a valid 1024-bit rsa key")


def test_dmarc_missing_or_p_none_is_a_warning(dns_server: DNSTestServer, settings) -> None:
    zone = z.good_zone()
    zone.pop("_dmarc.hotel-sender.net")
    missing = _results(dns_server, settings, zone, dkim_selector="s1")
    assert missing["dmarc"] == ("warn", "no DMARC record at _dmarc.hotel-sender.net")

    Inbox.objects.all().delete()
    zone["_dmarc.hotel-sender.net"] = {"TXT": ["v=DMARC1; p=none"]}
    monitoring = _results(dns_server, settings, zone, dkim_selector="s1")
    assert monitoring["dmarc"][0] == "warn" and "p=none" in monitoring["dmarc"][1]


def test_a_subdomain_uses_the_organizational_dmarc_record(
    dns_server: DNSTestServer, settings
) -> None:
    zone = z.good_zone()
    sub = "news.hotel-sender.net"
    zone[sub] = {**zone.pop(z.DOMAIN)}
    zone[f"s1._domainkey.{sub}"] = zone.pop("s1._domainkey.hotel-sender.net")
    zone["_dmarc.hotel-sender.net"]["TXT"] = ["v=DMARC1; p=quarantine; sp=reject"]

    results = _results(dns_server, settings, zone, address=f"ana@{sub}", dkim_selector="s1")

    assert results["dmarc"][0] == "pass"
    assert "p=reject" in results["dmarc"][1] and "record at hotel-sender.net" in results["dmarc"][1]


def test_reverse_dns_that_does_not_round_trip_fails(dns_server: DNSTestServer, settings) -> None:
    zone = z.good_zone()
    zone[z.REVERSE] = {"PTR": ["static-9.isp.example.net"]}
    zone["static-9.isp.example.net"] = {"A": ["198.51.100.77"]}
    no_round_trip = _results(dns_server, settings, zone, dkim_selector="s1")
    assert no_round_trip["rdns"] == (
        "fail",
        "PTR of 203.0.113.9 is static-9.isp.example.net, which does not resolve back to it",
    )

    Inbox.objects.all().delete()
    zone.pop(z.REVERSE)
    no_ptr = _results(dns_server, settings, zone, dkim_selector="s1")
    assert no_ptr["rdns"] == ("fail", "203.0.113.9 (mail.hotel-sender.net) has no PTR record")


@pytest.mark.slow
def test_a_stalled_dns_server_gives_warnings_within_the_bound(settings) -> None:
    with DNSTestServer(z.good_zone(), delay=2.5) as stalled:
        z.use(stalled, settings, z.good_zone())
        started = time.monotonic()
        row = preflight_run(inbox=z.smtp_inbox(dkim_selector="s1"))
        elapsed = time.monotonic() - started

    assert row is not None
    assert elapsed < 11.5  # 2 s per lookup, 10 s for the domain (plus a busy machine's slack)
    assert {v["result"] for v in row.results.values()} == {"warn"}
    assert "in time" in row.results["mx"]["reason"]
    assert not row.blocking


@pytest.mark.slow
def test_a_slow_dns_server_is_cut_off_at_the_domains_budget(settings) -> None:
    # Every answer takes 1.5 s: each lookup succeeds, but the ~16 the checks need would take
    # 24 s; the budget stops them at 10 s and what is left says so.
    with DNSTestServer(z.good_zone(), delay=1.5) as slow:
        z.use(slow, settings, z.good_zone())
        started = time.monotonic()
        row = preflight_run(inbox=z.smtp_inbox(dkim_selector="s1"))
        elapsed = time.monotonic() - started

    assert row is not None
    assert elapsed < 11.5
    assert row.results["mx"]["result"] == "pass"  # answered within the budget
    assert row.results["rdns"] == {
        "result": "warn",
        "reason": "DNS did not answer mail.hotel-sender.net A in time",
    }
    assert not row.blocking


def test_maildir_and_reserved_domains_are_not_checked(dns_server: DNSTestServer, settings) -> None:
    z.use(dns_server, settings, z.good_zone(), mode="enforce")
    maildir = InboxFactory(address="ana@hotel-sender.net")  # Maildir
    demo = z.smtp_inbox(address="ana@demo-hotel.example", smtp_host="smtp.demo-hotel.example")
    local = z.smtp_inbox(key="smtp-2", address="ops@localhost", smtp_host="localhost")

    reasons = {}
    for inbox in (maildir, demo, local):
        row = preflight_run(inbox=inbox)
        assert row is not None and not row.blocking
        assert {v["result"] for v in row.results.values()} == {"not_checked"}
        reasons[inbox.key] = row.results["spf"]["reason"]

    assert "Maildir" in reasons[maildir.key]
    assert "reserved test domain" in reasons["smtp-1"] and "reserved" in reasons["smtp-2"]
    assert dns_server.queries == []  # nothing was asked
