"""The plain-address fast path of ``email_address`` gives email-validator's own answer.

Every address here goes through ``plain_address`` (the fast path) and through the library call
``email_address`` would make without it; the fast path must either decline (None) or return
exactly the library's normalized address. Declining is always safe, so the tests also check it
does not decline the ordinary addresses it exists for.
"""

from __future__ import annotations

import pytest
from email_validator import EmailNotValidError
from hypothesis import given, settings
from hypothesis import strategies as st

from prospects import normalize
from prospects.email_syntax import plain_address
from prospects.normalize import email_address


def library_answer(text: str) -> str | None:
    """``email_address`` with the fast path switched off: the library's verdict."""
    original = normalize.plain_address
    normalize.plain_address = lambda _text: None  # type: ignore[assignment]
    try:
        return email_address(text)
    except EmailNotValidError:
        return None
    finally:
        normalize.plain_address = original  # type: ignore[assignment]


PLAIN = [
    "ana@hotel.pt",
    "Ana.Silva@Hotel-Lisboa.PT",
    "INFO@EXAMPLE.COM",
    "reservas+booking@hotel.example",
    "first.middle.last@sub.domain.co.uk",
    "o'brien@hotel.ie",
    "a_b-c@x-y.io",
    "weird!#$%&'*+/=?^_`{|}~-@hotel.com",
    "user@reservas.test",
    "x@a.bc",
    "123@456.com",
    "a@" + "b" * 63 + ".com",
    "l" * 64 + "@hotel.com",
    "a@a-b.travel",
]
TRICKY = [
    # invalid
    "", "@", "a@", "@hotel.pt", "ana", "ana@@hotel.pt", "ana@hotel", "ana@hotel.p",
    ".ana@hotel.pt", "ana.@hotel.pt", "an..a@hotel.pt", "ana@.hotel.pt", "ana@hotel..pt",
    "ana@hotel.pt.", "ana@-hotel.pt", "ana@hotel-.pt", "ana@hotel.123", "ana @hotel.pt",
    "ana@hotel .pt", " ana@hotel.pt", "ana@hotel.pt ", "ana@ho_tel.pt", "ana(x)@hotel.pt",
    "ana,b@hotel.pt", "ana;b@hotel.pt", "ana\\b@hotel.pt", "ana[b]@hotel.pt",
    "l" * 65 + "@hotel.com", "a@" + "b" * 64 + ".com", "a@" + ("b" * 60 + ".") * 4 + "com",
    "a" * 64 + "@" + ("b" * 62 + ".") * 3 + "com", "ana@ab--cd.com", "ana@a---b.com",
    "ana@xn--.com", "ana@localhost", "ana@host.localhost", "ana@printer.local",
    "ana@x.onion", "ana@in-addr.arpa", "ana@nothing.invalid", "ana@hotel.c0m", "ana@1.2.3.4",
    "ana@[127.0.0.1]", "ana@[IPv6:::1]", "ana\x00@hotel.pt", "ana\n@hotel.pt",
    # quoted local parts, display names, comments
    '"ana"@hotel.pt', '"ana silva"@hotel.pt', '"a@b"@hotel.pt', "Ana <ana@hotel.pt>",
    "<ana@hotel.pt>", "ana@hotel.pt (Ana)",
    # internationalised: domains (allowed, punycode), local parts (refused)
    "ana@hôtel.fr", "ana@HÔTEL.FR", "ana@xn--htel-fqa.fr", "ana@XN--HTEL-FQA.FR",
    "ana@xn--zz-zzz.com", "ana@日本.jp", "ana@ｈｏｔｅｌ.pt", "josé@hotel.pt", "ana@hotel.рф",
    "ana@hotel.xn--p1ai", "ana@ſtrasse.de", "ana@\u212aelvin.com", "\u212aelvin@hotel.com",
    "ana@hotel\u3002pt", "ana@hot\u00adel.pt", "ana@hotel.pt\u200b",
]  # fmt: skip


@pytest.mark.parametrize("address", PLAIN)
def test_plain_addresses_take_the_fast_path_with_the_library_answer(address: str) -> None:
    expected = library_answer(address)
    assert expected is not None
    assert plain_address(address) == expected == address.lower()


@pytest.mark.parametrize("address", TRICKY)
def test_tricky_addresses_get_the_library_answer(address: str) -> None:
    fast = plain_address(address)
    assert fast is None or fast == library_answer(address)
    slow = library_answer(address)
    try:
        assert email_address(address) == slow
    except EmailNotValidError:
        assert slow is None


ALPHABET = "aAzZ09.-_+@'\"!#$%&*/=?^`{|}~ ()<>[]\\,;:éÔ日\u212a\u017f\u00ad\u3002xn"
parts = st.text(alphabet=ALPHABET, max_size=12)


@settings(max_examples=3000, deadline=None)
@given(local=parts, domain=st.lists(parts, min_size=1, max_size=4))
def test_fast_path_never_disagrees_with_the_library(local: str, domain: list[str]) -> None:
    address = f"{local}@{'.'.join(domain)}"
    fast = plain_address(address)
    if fast is not None:
        assert fast == library_answer(address)


@settings(max_examples=2000, deadline=None)
@given(
    local=st.from_regex(r"[a-zA-Z0-9._+'-]{1,70}", fullmatch=True),
    labels=st.lists(st.from_regex(r"[a-zA-Z0-9-]{1,66}", fullmatch=True), min_size=1, max_size=5),
)
def test_fast_path_agrees_near_its_edges(local: str, labels: list[str]) -> None:
    address = f"{local}@{'.'.join(labels)}"
    fast = plain_address(address)
    if fast is not None:
        assert fast == library_answer(address)
