from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

import pytest

from prospects.emails import (
    candidate_patterns,
    disposable_domains,
    is_disposable,
    is_role_address,
    role_localparts,
    syntax_ok,
)
from prospects.normalize import email_problem, normalize_domain


@pytest.mark.parametrize(
    "address",
    [
        "info@alfama-azul.pt",
        "Reservations@Alfama-Azul.pt",
        "reservas@alfama-azul.pt",
        "booking@alfama-azul.pt",
        "front-desk@alfama-azul.pt",
        "front.desk@alfama-azul.pt",
        "sales@alfama-azul.pt",
        "gm@alfama-azul.pt",
        "info2@alfama-azul.pt",
        "reservas.lisboa@alfama-azul.pt",
        "info+web@alfama-azul.pt",
        "rezeption@gasthof-mueller.de",
    ],
)
def test_functional_mailboxes_are_role_addresses(address: str) -> None:
    assert is_role_address(address)


@pytest.mark.parametrize(
    "address",
    [
        "ana.ribeiro@alfama-azul.pt",
        "ana.sales@alfama-azul.pt",  # Sales is a Portuguese surname
        "jmatos@quintadaserra.pt",
        "ola.nordmann@fjordhotel.no",
        "md.rahman@dhaka-inn.com",
        "not an address",
        "",
    ],
)
def test_personal_and_invalid_addresses_are_not_role_addresses(address: str) -> None:
    assert not is_role_address(address)


@pytest.mark.parametrize(
    "value",
    [
        "mailinator.com",
        "MAILINATOR.COM",
        "inbox.mailinator.com",
        "someone@yopmail.com",
        "https://www.guerrillamail.com/inbox",
        "10minutemail.com",
    ],
)
def test_throwaway_domains_are_disposable(value: str) -> None:
    assert is_disposable(value)


@pytest.mark.parametrize(
    "value",
    ["gmail.com", "alfama-azul.pt", "mailinator.com.hotel.pt", "notmailinator.org", "", "n/a"],
)
def test_real_domains_are_not_disposable(value: str) -> None:
    assert not is_disposable(value)


def test_disposable_list_is_the_maintained_blocklist_of_clean_domains() -> None:
    domains = disposable_domains()
    assert len(domains) >= 5000  # the package's list; the hand-kept one had 386
    assert {"tempmail.plus", "tmail.ws"} <= domains  # two the hand-kept list missed
    assert all(normalize_domain(domain) == domain for domain in domains)
    assert not domains & {"gmail.com", "outlook.com", "yahoo.com", "icloud.com", "proton.me"}
    # privacy relays forward to a real person: not throwaway
    assert not domains & {"duck.com", "simplelogin.com", "mozmail.com"}


@pytest.fixture
def overrides(tmp_path: Path, settings: Any) -> Path:
    """The operator's override file at its default place, ``var/disposable_overrides.txt``."""
    settings.VAR_DIR = tmp_path
    return tmp_path / "disposable_overrides.txt"


def test_an_operator_can_allow_a_listed_domain(overrides: Path) -> None:
    assert is_disposable("someone@mailinator.com")
    overrides.write_text("# our partner's staff really use it\nallow  mailinator.com\n")
    assert not is_disposable("someone@mailinator.com")
    assert not is_disposable("inbox.mailinator.com")
    assert "mailinator.com" not in disposable_domains()
    assert is_disposable("yopmail.com")  # the rest of the list still holds


def test_an_operator_can_deny_a_domain_the_list_does_not_know(overrides: Path) -> None:
    assert not is_disposable("burner-hotel-mail.example")
    overrides.write_text("deny burner-hotel-mail.example  # seen in March\n")
    assert is_disposable("ana@burner-hotel-mail.example")
    assert is_disposable("x.burner-hotel-mail.example")
    assert "burner-hotel-mail.example" in disposable_domains()


def test_an_edited_override_file_counts_without_a_restart(overrides: Path) -> None:
    overrides.write_text("deny burner-hotel-mail.example\n")
    assert is_disposable("burner-hotel-mail.example")
    overrides.write_text("allow burner-hotel-mail.example\n")
    stat = overrides.stat()
    os.utime(overrides, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert not is_disposable("burner-hotel-mail.example")
    overrides.unlink()
    assert not is_disposable("burner-hotel-mail.example")


def test_the_override_file_can_live_elsewhere_and_bad_lines_are_skipped(
    tmp_path: Path, settings: Any, caplog: pytest.LogCaptureFixture
) -> None:
    elsewhere = tmp_path / "ops" / "disposable.txt"
    elsewhere.parent.mkdir()
    elsewhere.write_text("block mailinator.com\nallow\ndeny n/a\nallow yopmail.com\n")
    settings.JENGU = {**settings.JENGU, "DISPOSABLE_OVERRIDES": str(elsewhere)}
    with caplog.at_level(logging.WARNING, logger="prospects.emails"):
        assert not is_disposable("yopmail.com")
    assert is_disposable("mailinator.com")
    assert [r.getMessage().rsplit(" line ", 1)[1][:1] for r in caplog.records] == ["1", "2", "3"]


def test_role_list_has_the_documented_words_and_no_personal_names() -> None:
    words = role_localparts()
    assert {"info", "reservations", "booking", "frontdesk", "sales", "gm"} <= words
    assert not words & {"md", "ola", "bar", "ana", "john"}


def test_candidates_follow_the_documented_order() -> None:
    assert candidate_patterns("José", "Núñez", "https://www.hotelpuertadelsol.es/") == [
        "jose.nunez@hotelpuertadelsol.es",
        "jose@hotelpuertadelsol.es",
        "jnunez@hotelpuertadelsol.es",
        "josen@hotelpuertadelsol.es",
        "josenunez@hotelpuertadelsol.es",
        "nunez.jose@hotelpuertadelsol.es",
    ]


def test_apostrophes_and_hyphenated_first_names_are_joined() -> None:
    candidates = candidate_patterns("Jean-Luc", "O'Neill", "harbourinn.ie")
    assert candidates[0] == "jeanluc.oneill@harbourinn.ie"
    assert "joneill@harbourinn.ie" in candidates


def test_compound_surnames_try_the_whole_name_then_its_core() -> None:
    spanish = candidate_patterns("María", "García Márquez", "sol.es")
    assert spanish[:2] == ["maria.garciamarquez@sol.es", "maria@sol.es"]
    assert spanish.index("maria.garciamarquez@sol.es") < spanish.index("maria.garcia@sol.es")
    assert "mgarcia@sol.es" in spanish
    dutch = candidate_patterns("Pieter", "van der Berg", "grachten.nl")
    assert "pieter.vanderberg@grachten.nl" in dutch
    assert "pieter.berg@grachten.nl" in dutch
    assert "pieter.van@grachten.nl" not in dutch
    assert len(dutch) == len(set(dutch))


def test_german_letters_are_transliterated() -> None:
    assert candidate_patterns("Jürgen", "Weiß", "gasthof.de")[0] == "jurgen.weiss@gasthof.de"


def test_without_a_surname_only_the_first_name_is_tried() -> None:
    assert candidate_patterns("Marta", "", "chiadovelho.pt") == ["marta@chiadovelho.pt"]


@pytest.mark.parametrize(
    ("first", "last", "domain"),
    [("", "Lopes", "chiadovelho.pt"), ("Иван", "Петров", "hotel.ru"), ("Marta", "Lopes", "n/a")],
)
def test_no_candidates_without_a_latin_first_name_or_a_domain(
    first: str, last: str, domain: str
) -> None:
    assert candidate_patterns(first, last, domain) == []


@pytest.mark.parametrize(
    ("address", "ok"),
    [
        ("ana.ribeiro@alfama-azul.pt", True),
        ("o'neill@harbourinn.ie", True),
        ("info@xn--mnchen-hotel-dlb.de", True),
        ("info@münchen-hotel.de", True),
        (" info@alfama-azul.pt", False),
        ("info@alfama-azul", False),
        ("info@-alfama.pt", False),
        ("info@alfama..pt", False),
        ('"info"@alfama.pt', False),
        ("info@[192.168.0.1]", False),
        ("a@b@c.pt", False),
    ],
)
def test_syntax_check(address: str, ok: bool) -> None:
    assert syntax_ok(address) is ok


@pytest.mark.parametrize(
    "address",
    ["ana@gone-hotel.test", "gm@miramar.example", "reservas@alfama-azul.example.com"],
)
def test_reserved_test_domains_are_accepted(address: str) -> None:
    assert syntax_ok(address)


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("josé@hotel.pt", "Internationalized characters before the @-sign are not supported"),
        ("ana@hotel.local", "special-use or reserved name"),
        ("ana@hotel.invalid", "special-use or reserved name"),
        ("ana@ab--hotel.pt", "two letters followed by two dashes"),
        ("ana@xn--zz.pt", "not valid IDNA"),
        ("ana@hotel", "It should have a period"),
        ("ana@hotel.p", "not within a valid top-level domain"),
        ("x" * 65 + "@hotel.pt", "too long before the @-sign"),
    ],
)
def test_a_refused_address_comes_with_the_libraries_reason(address: str, reason: str) -> None:
    assert not syntax_ok(address)
    assert reason in email_problem(address)
