"""Normalized keys for deduplicating prospects: names, cities, domains and email addresses.

Hosts (``normalize_domain``) are the website key; the organisation behind a host is
``registrable_domain`` (the Public Suffix List of ``publicsuffixlist``). Addresses are checked
and normalized by email-validator (``email_address``), syntax only.

Pure functions, no Django. The keys are stored next to the raw values (``name_key``,
``city_key``, ``domain``) and carry the database's unique constraints, so changing a rule here
means re-keying existing rows.

Name rules (``normalize_name``):

1. Case-folded; accents dropped from Latin letters only (NFKD, combining marks removed when
   their base letter is Latin, plus ``ø æ œ ł đ ð þ ı ħ``). Marks on other scripts are kept, so
   Cyrillic ``й`` stays ``й`` and Japanese ``ガ`` stays ``ガ``; compatibility forms are folded
   (full-width ``Ｈｏｔｅｌ`` is ``hotel``).
2. ``&`` reads as ``and``. An apostrophe after a single letter is an elision and splits the word
   (``L'Auberge`` -> ``l auberge``); any other apostrophe is dropped (``Claridge's`` ->
   ``claridges``). Every other punctuation mark, symbol or space run becomes one space.
3. Leading noise words are removed: ``the``, ``hotel`` (also ``hôtel``) and the articles
   ``le la les l el los las il lo gli der die das``. A trailing ``hotel`` is removed too, so
   "The Grand Hôtel", "grand hotel", "Hotel Grand" and "GRAND  HOTEL!" all give ``grand``.
   Other generic words (``inn``, ``resort``, ``spa``, ``suites``) are kept: they tell two
   businesses apart more often than not.
4. A name is never stripped to nothing: "Hotel" stays ``hotel``, "The Hotel" gives ``hotel``.
   Names in other scripts keep every letter (``日本旅館``, ``гостиница москва``).
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from functools import cache
from urllib.parse import urlsplit

import idna
from email_validator import EmailNotValidError, EmailSyntaxError, validate_email
from publicsuffixlist import PSLFILE, PublicSuffixList
from rapidfuzz import fuzz

from prospects.email_syntax import plain_address

LEADING_NOISE = frozenset(
    {"the", "hotel", "le", "la", "les", "l", "el", "los", "las", "il", "lo", "gli"}
    | {"der", "die", "das"}
)
TRAILING_NOISE = frozenset({"hotel"})

# Latin letters that NFKD does not decompose into base + mark.
_LATIN_EXTRA = str.maketrans(
    {"ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i", "ħ": "h"}
)
_APOSTROPHES = "'\u2019\u02bc\u2018`\u00b4"
_ELISION_RE = re.compile(rf"(?<!\w)(\w)[{_APOSTROPHES}](?=\w)")
_APOSTROPHE_RE = re.compile(rf"[{_APOSTROPHES}]")
_ASCII_SEPARATORS_RE = re.compile(r"[^a-z0-9]+")
_WWW_RE = re.compile(r"^(?:www\d{0,3}|m)\.(?=[^.]+\.)")
_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_HOST_RE = re.compile(rf"(?:{_LABEL}\.)+(?:[a-z]{{2,63}}|xn--[a-z0-9-]{{1,59}})", re.ASCII)

# Hosts shared by many businesses: a page there (a Facebook page, a Booking.com listing) says
# nothing about which business it is. Site builders that give each customer a subdomain are not
# here: the Public Suffix List's private section makes each of those one site (see below).
PLATFORM_DOMAINS = frozenset(
    {
        "facebook.com", "instagram.com", "linkedin.com", "twitter.com", "x.com",
        "tripadvisor.com", "booking.com", "airbnb.com", "expedia.com", "hotels.com",
        "google.com", "goo.gl", "maps.app.goo.gl", "youtube.com", "linktr.ee",
    }
)  # fmt: skip
# Site builders with one subdomain per customer that the bundled list does not carry (checked
# against publicsuffixlist 1.1.2.20261023, which has blogspot.com and wixsite.com): read as if
# they were in its private section, so ``hotel.business.site`` is one site like
# ``hotel.wixsite.com``.
EXTRA_PRIVATE_SUFFIXES = ("business.site", "wordpress.com")


def fold_latin(text: str) -> str:
    """Case-fold, and drop accents from Latin letters only (other scripts keep their marks)."""
    if text.isascii():
        return text.lower()
    # Decompose, fold, decompose again: a compatibility form can decompose to a capital
    # ("ᴭ" -> "Æ"), and folding must come after that for the key to be stable.
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", text).casefold())
    kept: list[str] = []
    base_is_latin = False
    for char in decomposed:
        if unicodedata.combining(char):
            if not base_is_latin:
                kept.append(char)
            continue
        base_is_latin = unicodedata.name(char, "").startswith("LATIN")
        kept.append(char)
    return unicodedata.normalize("NFC", "".join(kept).translate(_LATIN_EXTRA))


def _tokens(text: str) -> list[str]:
    folded = fold_latin(text or "").replace("&", " and ")
    folded = _APOSTROPHE_RE.sub("", _ELISION_RE.sub(r"\1 ", folded))
    if folded.isascii():
        return _ASCII_SEPARATORS_RE.sub(" ", folded).split()
    # Punctuation, symbols, separators and control characters all separate words.
    spaced = "".join(" " if unicodedata.category(c)[0] in "PSZC" else c for c in folded)
    return spaced.split()


def normalize_name(name: str) -> str:
    """The dedup key of a business name (rules in the module docstring)."""
    words = _tokens(name)
    while len(words) > 1 and words[0] in LEADING_NOISE:
        words.pop(0)
    while len(words) > 1 and words[-1] in TRAILING_NOISE:
        words.pop()
    return " ".join(words)


def normalize_city(city: str) -> str:
    """Case, Latin accents and punctuation folded ("São Paulo" -> "sao paulo"); no aliases."""
    return " ".join(_tokens(city))


def dedup_key(name: str, city: str) -> str:
    """``"<name key>|<city key>"``, or "" when the name has no usable characters."""
    name_key = normalize_name(name)
    return f"{name_key}|{normalize_city(city)}" if name_key else ""


def similarity(a: str, b: str) -> float:
    """0..100: rapidfuzz token_sort_ratio of the normalized names (0 when either is empty)."""
    key_a, key_b = normalize_name(a), normalize_name(b)
    if not key_a or not key_b:
        return 0.0
    return float(fuzz.token_sort_ratio(key_a, key_b))


def _host_to_ascii(host: str) -> str:
    """Lower-case ASCII (punycode) form of a host name, or "" when it is not a valid one."""
    host = host.strip().rstrip(".").lower()
    if not host.isascii():
        try:  # IDNA 2008 with the UTS 46 mapping (full-width letters, case)
            host = idna.encode(host, uts46=True).decode("ascii")
        except (UnicodeError, ValueError):
            return ""
    if len(host) > 253 or not _HOST_RE.fullmatch(host):
        return ""
    return host


def _is_ip_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def _is_plain_host(text: str) -> bool:
    """A lower-case ASCII host name with nothing to strip: the slow path would return it as is
    (the host pattern rules out IP addresses, ports, paths and a trailing dot)."""
    return len(text) <= 253 and _HOST_RE.fullmatch(text) is not None and _WWW_RE.match(text) is None


def normalize_domain(url_or_domain: str) -> str:
    """The host of a website, e.g. ``https://www.Hotel-Example.com/contact?x`` ->
    ``hotel-example.com``: the dedup key compares hosts, so ``paris.chain.com`` and
    ``rome.chain.com`` stay two hotels (``registrable_domain`` gives the organisation).

    Strips the scheme, user info, port, path, a trailing dot and a leading ``www.``/``wwwN.``/
    ``m.``. Unicode host names come back in their ASCII (punycode) form, so both spellings give
    one key. An email address gives its domain. IP addresses, single-label hosts and anything
    that is not a host name give "".
    """
    text = (url_or_domain or "").strip()
    if _is_plain_host(text):
        return text  # already its own key; urlsplit and the IP check cost ~25 us a call
    bare = text.removeprefix("https://").removeprefix("http://").removesuffix("/")
    if len(bare) < len(text) and _is_plain_host(bare):
        return bare  # "https://host/", the commonest website cell: the same shortcut
    if text.lower().startswith("mailto:"):
        text = text[len("mailto:") :]
    if not text:
        return ""
    if "://" not in text:
        text = ("http:" if text.startswith("//") else "http://") + text
    try:
        host = urlsplit(text).hostname or ""
    except ValueError:
        return ""
    if not host or _is_ip_address(host):
        return ""
    return _WWW_RE.sub("", _host_to_ascii(host))


@cache
def _public_suffixes() -> PublicSuffixList:
    """The Public Suffix List bundled with ``publicsuffixlist`` (read from its package folder;
    nothing is fetched at run time: a new list comes with a new pinned version), plus
    ``EXTRA_PRIVATE_SUFFIXES``. Unlisted top-level domains follow the list's default rule
    ``*`` (``accept_unknown``), so ``.example`` and ``.test`` hosts have an organisation too."""
    with open(PSLFILE, "rb") as bundled:
        lines = [*bundled, *(suffix.encode() for suffix in EXTRA_PRIVATE_SUFFIXES)]
    return PublicSuffixList(lines, accept_unknown=True)


def registrable_domain(host_or_email: str) -> str:
    """The organisation behind a host, URL or email address: its registrable domain under the
    Public Suffix List, in ASCII (punycode) form.

    ``info@paris.hotelgroup.co.uk`` and ``https://www.hotelgroup.co.uk`` give
    ``hotelgroup.co.uk`` (never ``co.uk``); ``reservas.grupo-hoteles.example`` gives
    ``grupo-hoteles.example`` (default rule ``*``); a site builder's customer is its own
    organisation (``alfama.wixsite.com``). "" for a public suffix itself (``co.uk``,
    ``blogspot.com``), an IP address or anything that is not a host name.
    """
    return _organisation(normalize_domain(host_or_email))


def _organisation(host: str) -> str:
    """``registrable_domain`` of a host already normalized (``normalize_domain``)."""
    return (_public_suffixes().privatesuffix(host) or "") if host else ""


def is_platform_host(host: str) -> bool:
    """True for a normalized host shared by many businesses: a public suffix itself
    (``wixsite.com``, ``co.uk``) or a host under ``PLATFORM_DOMAINS``."""
    if not host:
        return False
    labels = host.split(".")
    suffixes = (".".join(labels[i:]) for i in range(len(labels) - 1))
    return not _organisation(host) or any(s in PLATFORM_DOMAINS for s in suffixes)


def is_platform_domain(domain: str) -> bool:
    """``is_platform_host`` of a URL, host or email address: such a "website" must not be used
    as a dedup key, and an address there is nobody's business address."""
    return is_platform_host(normalize_domain(domain))


def email_address(text: str) -> str:
    """``text`` (taken as given, no stripping) as Jengu stores an address: lower-cased, with its
    domain in ASCII (punycode). Raises ``EmailNotValidError`` with email-validator's reason.

    Syntax and normalisation only (no DNS: MX checks belong to the verifier). The rules are
    email-validator's, with reserved test domains (``.example``, ``.test``) accepted, the
    RFC 5321 length limits enforced (``strict``), quoted local parts and IP literals refused,
    and internationalised local parts (``josé@``) refused: they need SMTPUTF8 end to end, which
    Jengu's SMTP sender does not ask for. Internationalised domains are fine (punycode).
    Plain ASCII addresses take a fast path with the same result (``prospects.email_syntax``).
    """
    if (plain := plain_address(text)) is not None:
        return plain
    found = validate_email(
        text,
        check_deliverability=False,
        test_environment=True,
        allow_smtputf8=False,
        strict=True,
    )
    # The library lets a one-letter top-level domain through; none exists, and "hotel.p" is a
    # truncated "hotel.pt" far more often than an address.
    if len(found.ascii_domain.rsplit(".", 1)[-1]) < 2:
        raise EmailSyntaxError("The part after the @-sign is not within a valid top-level domain.")
    return f"{(found.ascii_local_part or found.local_part).lower()}@{found.ascii_domain}"


def email_problem(email: str) -> str:
    """Why ``email`` (taken as given) is not a usable address, in email-validator's words; ""
    when it is one."""
    try:
        email_address(email)
    except EmailNotValidError as exc:
        return str(exc)
    return ""


def normalize_email(email: str) -> str:
    """Stripped, lower-cased address with an ASCII domain; "" when it is not a valid address
    (``email_address``'s rules). A ``mailto:`` prefix and surrounding ``<...>`` are tolerated.
    """
    text = (email or "").strip()
    if text.lower().startswith("mailto:"):
        text = text[len("mailto:") :]
    text = text.strip().removeprefix("<").removesuffix(">").strip()
    try:
        return email_address(text)
    except EmailNotValidError:
        return ""
