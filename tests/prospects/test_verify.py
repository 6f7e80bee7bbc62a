"""Email finding and verification: built-in checks, MX over real DNS, vendor fakes."""

from __future__ import annotations

from typing import Any

import pytest
from django_q.models import Schedule

from aiengine.models import AIUsage
from core.models import DeadLetter
from core.ratelimit import RateLimited
from prospects.models import Contact, Prospect
from prospects.services.verify import Verifier, contact_verify
from prospects.tasks import find_contact_email
from tests.factories import ContactFactory, ProspectFactory
from tests.prospects.sites import apollo, hunter, mv, mx, no_vendors  # noqa: F401
from tests.servers.dns import DNSTestServer, free_udp_port
from tests.servers.vendors import ApolloFake, HunterFake, MillionVerifierFake

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mx")]


def contact(email: str = "", name: str = "", domain: str = "alfama-azul.test") -> Contact:
    prospect = Prospect.objects.filter(domain=domain).first() or ProspectFactory(
        website=f"https://{domain}", stage=Prospect.Stage.ENRICHED
    )
    return ContactFactory(
        prospect=prospect, email=email, name=name, verification=Contact.Verification.UNKNOWN
    )


def verify(target: Contact) -> Contact:
    contact_verify(contact=target)
    target.refresh_from_db()
    return target


def test_without_keys_the_built_in_checks_run(no_vendors: None, mx: DNSTestServer) -> None:
    person = verify(contact("ana.ribeiro@alfama-azul.test"))
    role = verify(contact("reservas@casa-largo.test", domain="casa-largo.test"))
    assert person.verification == role.verification == "unknown"  # nothing checked a mailbox
    evidence = person.verification_evidence
    assert (evidence["syntax"], evidence["disposable"], evidence["role"]) == (True, False, False)
    assert evidence["mx"] == {"status": "ok", "hosts": ["mx1.alfama-azul.test"]}
    assert (person.is_role, role.is_role) == (False, True)
    assert person.verified_at is not None and evidence["checked_at"]
    assert ("alfama-azul.test", "MX") in mx.queries
    event = person.prospect.events.get(kind="verification")
    assert event.message == "ana.ribeiro@alfama-azul.test: unknown"


@pytest.mark.parametrize(
    ("domain", "records", "mx_status"),
    [
        ("gone-hotel.test", None, "nxdomain"),
        ("nullmx-hotel.test", {"MX": [(0, ".")]}, "null_mx"),
        ("nomail-hotel.test", {"TXT": ["v=spf1 -all"]}, "none"),
    ],
)
def test_a_domain_that_takes_no_mail_is_invalid(
    no_vendors: None, mx: DNSTestServer, domain: str, records: Any, mx_status: str
) -> None:
    if records:
        mx.records[domain] = records
    checked = verify(contact(f"info@{domain}", domain=domain))
    assert checked.verification == "invalid"
    assert checked.verification_evidence["decided_by"] == "mx"
    assert checked.verification_evidence["mx"]["status"] == mx_status


def test_an_address_record_without_mx_still_takes_mail(no_vendors: None) -> None:
    checked = verify(contact("info@old-palacio.test", domain="old-palacio.test"))
    assert checked.verification == "unknown"
    assert checked.verification_evidence["mx"]["status"] == "implicit"


def test_a_dns_timeout_decides_nothing(no_vendors: None, settings: Any) -> None:
    resolver = f"127.0.0.1:{free_udp_port()}"
    settings.JENGU = {**settings.JENGU, "DNS_RESOLVER": resolver, "DNS_TIMEOUT": 0.3}
    checked = verify(contact("ana@alfama-azul.test"))
    assert checked.verification == "unknown"
    assert checked.verification_evidence["mx"]["status"] == "error"


def test_disposable_and_broken_addresses_are_invalid_without_asking_dns(
    no_vendors: None, mx: DNSTestServer
) -> None:
    checked = verify(contact("someone@mailinator.com", domain="mailinator.com"))
    assert checked.verification == "invalid"
    assert checked.verification_evidence["decided_by"] == "disposable"
    assert Verifier().check("ana..lima@alfama-azul.test", source="import").status == "invalid"
    assert mx.queries == []


def test_a_syntax_failure_records_the_libraries_reason(no_vendors: None, mx: DNSTestServer) -> None:
    checked = verify(contact("ana..lima@alfama-azul.test"))
    assert checked.verification == "invalid"
    evidence = checked.verification_evidence
    assert (evidence["decided_by"], evidence["syntax"]) == ("syntax", False)
    assert evidence["syntax_error"] == "An email address cannot have two periods in a row."
    assert mx.queries == []


def test_the_operators_disposable_overrides_decide_verification(
    no_vendors: None, mx: DNSTestServer, settings: Any, tmp_path: Any
) -> None:
    settings.VAR_DIR = tmp_path
    (tmp_path / "disposable_overrides.txt").write_text(
        "deny alfama-azul.test\nallow mailinator.com\n"
    )
    denied = verify(contact("ana.ribeiro@alfama-azul.test"))
    assert (denied.verification, denied.verification_evidence["decided_by"]) == (
        "invalid",
        "disposable",
    )
    allowed = verify(contact("someone@mailinator.com", domain="mailinator.com"))
    assert allowed.verification_evidence["disposable"] is False
    assert allowed.verification == "invalid"  # no MX for it on the test DNS: the next check
    assert allowed.verification_evidence["decided_by"] == "mx"


@pytest.mark.parametrize(
    ("result", "status"),
    [
        ("ok", "valid"),
        ("catch_all", "catch_all"),
        ("invalid", "invalid"),
        ("disposable", "invalid"),
    ],
)
def test_millionverifier_decides(mv: MillionVerifierFake, result: str, status: str) -> None:
    mv.add("ana@alfama-azul.test", result)
    checked = verify(contact("ana@alfama-azul.test"))
    assert checked.verification == status
    evidence = checked.verification_evidence
    assert evidence["decided_by"] == "millionverifier"
    assert evidence["vendors"]["millionverifier"]["result"] == result
    assert mv.requests[0].query["email"] == ["ana@alfama-azul.test"]
    assert AIUsage.objects.filter(provider="millionverifier", outcome="ok").count() == 1


def test_hunter_is_asked_when_millionverifier_does_not_know(
    mv: MillionVerifierFake, hunter: HunterFake, settings: Any
) -> None:
    settings.HUNTER_API_KEY, settings.HUNTER_BASE_URL = hunter.api_key, hunter.url
    hunter.add_verification("ana@alfama-azul.test", "valid", score=97)
    checked = verify(contact("ana@alfama-azul.test"))
    evidence = checked.verification_evidence
    assert (checked.verification, evidence["decided_by"]) == ("valid", "hunter")
    assert evidence["vendors"]["millionverifier"]["result"] == "unknown"
    assert evidence["vendors"]["hunter"] == {
        "status": "valid",
        "result": "deliverable",
        "score": 97,
    }


def test_hunter_finder_finds_a_named_contact(
    mv: MillionVerifierFake, hunter: HunterFake, settings: Any
) -> None:
    settings.HUNTER_API_KEY, settings.HUNTER_BASE_URL = hunter.api_key, hunter.url
    hunter.add_person("Ana", "Ribeiro", "alfama-azul.test", "a.ribeiro@alfama-azul.test",
                      position="General Manager")  # fmt: skip
    mv.add("a.ribeiro@alfama-azul.test", "ok")
    checked = verify(contact(name="Ana Ribeiro"))
    assert (checked.email, checked.verification) == ("a.ribeiro@alfama-azul.test", "valid")
    assert checked.verification_evidence["source"] == "hunter"
    assert checked.title == "General Manager"
    finder = next(r for r in hunter.requests if r.path == "/v2/email-finder")
    assert finder.query["first_name"] == ["Ana"] and finder.query["last_name"] == ["Ribeiro"]


def test_apollo_match_counts_when_no_verifier_is_set(apollo: ApolloFake) -> None:
    apollo.add_person("Jorge", "Matos", "quinta-serra.test", email="jmatos@quinta-serra.test",
                      title="Owner")  # fmt: skip
    checked = verify(contact(name="Jorge Matos", domain="quinta-serra.test"))
    assert (checked.email, checked.verification) == ("jmatos@quinta-serra.test", "valid")
    assert checked.verification_evidence["decided_by"] == "apollo"
    assert checked.title == "Owner"
    assert apollo.requests[0].headers["x-api-key"] == apollo.api_key


def test_patterns_are_verified_in_order(mv: MillionVerifierFake) -> None:
    mv.add("jorge.matos@quinta-serra.test", "invalid")
    mv.add("jorge@quinta-serra.test", "ok")
    checked = verify(contact(name="Jorge Matos", domain="quinta-serra.test"))
    assert (checked.email, checked.verification) == ("jorge@quinta-serra.test", "valid")
    assert checked.verification_evidence["candidates"] == [
        {"email": "jorge.matos@quinta-serra.test", "status": "invalid"},
        {"email": "jorge@quinta-serra.test", "status": "valid"},
    ]


def test_a_guess_on_a_catch_all_domain_is_risky(mv: MillionVerifierFake) -> None:
    mv.default_result = "catch_all"
    checked = verify(contact(name="Jorge Matos", domain="quinta-serra.test"))
    assert (checked.email, checked.verification) == ("jorge.matos@quinta-serra.test", "risky")
    assert checked.verification_evidence["catch_all_domain"] is True
    assert len(mv.requests) == 1  # one answer tells the whole domain


def test_without_keys_a_named_contact_gets_a_risky_guess(no_vendors: None) -> None:
    checked = verify(contact(name="José Núñez", domain="alfama-azul.test"))
    assert (checked.email, checked.verification) == ("jose.nunez@alfama-azul.test", "risky")
    candidates = [c["email"] for c in checked.verification_evidence["candidates"]]
    assert candidates[:3] == [
        "jose.nunez@alfama-azul.test",
        "jose@alfama-azul.test",
        "jnunez@alfama-azul.test",
    ]


def test_a_vendor_limit_puts_the_task_off(
    hunter: HunterFake, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VENDOR_LIMITS_HUNTER", "1/500")
    hunter.add_verification("ana@alfama-azul.test", "valid")
    verify(contact("ana@alfama-azul.test"))
    second = contact("rui@alfama-azul.test")
    with pytest.raises(RateLimited):
        contact_verify(contact=second)
    assert "waiting" in find_contact_email(second.pk)
    second.refresh_from_db()
    assert second.verified_at is None
    retry = Schedule.objects.get(func="prospects.tasks.find_contact_email")
    assert retry.args == repr((second.pk, None, 1))


def test_a_vendor_429_opens_a_backoff(hunter: HunterFake) -> None:
    hunter.fail(429, retry_after=60)
    target = contact("ana@alfama-azul.test")
    with pytest.raises(RateLimited):
        contact_verify(contact=target)
    with pytest.raises(RateLimited):  # no second request while the backoff stands
        contact_verify(contact=target)
    assert len(hunter.requests) == 1


def test_a_vendor_outage_is_retried_then_becomes_a_dead_letter(
    mv: MillionVerifierFake,
) -> None:
    for _ in range(3):
        mv.fail(503)
    target = contact("ana@alfama-azul.test")
    assert "retrying" in find_contact_email(target.pk, None, 1)
    assert "retrying" in find_contact_email(target.pk, None, 2)
    assert "failed for good" in find_contact_email(target.pk, None, 3)
    letter = DeadLetter.objects.get()
    assert (letter.kind, letter.task_name) == ("finder", "prospects.tasks.find_contact_email")
    assert letter.payload == {"args": [target.pk]}
    assert letter.object_id == str(target.pk)
    assert find_contact_email(target.pk).endswith("unknown")  # the outage is over


def test_a_bad_vendor_key_is_evidence_not_a_retry(mv: MillionVerifierFake, settings: Any) -> None:
    settings.MILLIONVERIFIER_API_KEY = "wrong"
    checked = verify(contact("ana@alfama-azul.test"))
    assert checked.verification == "unknown"
    assert checked.verification_evidence["vendors"]["millionverifier"] == {
        "error": "Invalid API key"
    }
