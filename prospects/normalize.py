"""Normalized keys for deduplicating prospects: names, cities, domains and email addresses.

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
from urllib.parse import urlsplit

from rapidfuzz import fuzz

try:  # IDNA 2008 with UTS 46 mapping; httpx depends on it, so it is normally present
    import idna as _idna
except ImportError:  # pragma: no cover - the stdlib codec (IDNA 2003) is the fallback
    _idna = None  # type: ignore[assignment]

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
_LOCAL_RE = re.compile(
    r"[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*", re.ASCII | re.IGNORECASE
)

# Hosts shared by many businesses: a website there says nothing about which business it is.
PLATFORM_DOMAINS = frozenset(
    {
        "facebook.com", "instagram.com", "linkedin.com", "twitter.com", "x.com",
        "tripadvisor.com", "booking.com", "airbnb.com", "expedia.com", "hotels.com",
        "google.com", "goo.gl", "maps.app.goo.gl", "youtube.com", "linktr.ee",
        "wixsite.com", "business.site", "blogspot.com", "wordpress.com",
    }
)  # fmt: skip


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
        try:
            if _idna is not None:
                host = _idna.encode(host, uts46=True).decode("ascii")
            else:  # pragma: no cover
                host = host.encode("idna").decode("ascii")
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


def normalize_domain(url_or_domain: str) -> str:
    """The registrable host of a website, e.g. ``https://www.Hotel-Example.com/contact?x`` ->
    ``hotel-example.com``.

    Strips the scheme, user info, port, path, a trailing dot and a leading ``www.``/``wwwN.``/
    ``m.``. Unicode host names come back in their ASCII (punycode) form, so both spellings give
    one key. An email address gives its domain. IP addresses, single-label hosts and anything
    that is not a host name give "".
    """
    text = (url_or_domain or "").strip()
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


def is_platform_domain(domain: str) -> bool:
    """True for hosts shared by many businesses (facebook.com, booking.com, ...): such a
    "website" must not be used as a dedup key."""
    host = normalize_domain(domain)
    return any(host == d or host.endswith("." + d) for d in PLATFORM_DOMAINS)


def email_syntax_ok(email: str) -> bool:
    """True for ``local@domain`` with a dot-atom local part (ASCII, at most 64 characters) and a
    valid host name with a real-looking TLD. Quoted local parts and IP literals are refused:
    nobody we write to uses them."""
    if not isinstance(email, str) or len(email) > 254 or email.count("@") != 1:
        return False
    local, domain = email.split("@")
    if not 1 <= len(local) <= 64 or not _LOCAL_RE.fullmatch(local):
        return False
    return bool(_host_to_ascii(domain)) and domain == domain.strip()


def normalize_email(email: str) -> str:
    """Stripped, lower-cased address with an ASCII domain; "" when it is not a valid address.

    A ``mailto:`` prefix and surrounding ``<...>`` are tolerated.
    """
    text = (email or "").strip()
    if text.lower().startswith("mailto:"):
        text = text[len("mailto:") :]
    text = text.strip().removeprefix("<").removesuffix(">").strip()
    if not email_syntax_ok(text):
        return ""
    local, domain = text.split("@")
    return f"{local.lower()}@{_host_to_ascii(domain)}"
