"""Emails and phone numbers written in a page's text.

Text forms of an address understood besides the plain one: HTML entities
(``info&#64;hotel.pt``), bracketed words (``info [at] hotel [dot] pt``, ``info(at)hotel.pt``,
``{at}``), and spelled-out words (``info at hotel dot pt``) only when at least one `` dot ``
follows, so "rooms at the hotel" never becomes an address. Addresses whose "TLD" is a file
extension (``.png``, ``.js``) and placeholder domains (example.com, domain.com, sentry.io ...)
are dropped. Reversed text, ``data-`` attributes and JavaScript-assembled addresses are out of
scope.

Phones in text count only when international (``+`` or ``00``) or right after a phone label
(tel, phone, telefone, téléfono ...) and not after ``fax``. They are returned as ``+`` and
digits (``+351 (0)21 123 4567`` -> ``+351211234567``), or digits only for national numbers.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

from prospects.normalize import normalize_email

FILE_EXTENSIONS = frozenset(
    {"png", "jpg", "jpeg", "gif", "webp", "svg", "bmp", "ico", "avif", "tif", "tiff", "css"}
    | {"js", "mjs", "json", "map", "mp4", "webm", "woff", "woff2", "ttf", "pdf"}
)
PLACEHOLDER_DOMAINS = frozenset(
    {"example.com", "example.org", "example.net", "domain.com", "yourdomain.com", "email.com"}
    | {"mail.com", "sentry.io", "wixpress.com", "sentry-next.wixpress.com", "test.com"}
)
_EMAIL_RE = re.compile(
    r"(?<![\w.%+-])[A-Za-z0-9][A-Za-z0-9._%+-]*@(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,24}\b"
)
_AT_RE = re.compile(r"\s*(?:\[\s*(?:at|@)\s*\]|\(\s*(?:at|@)\s*\)|\{\s*(?:at|@)\s*\})\s*", re.I)
_DOT_RE = re.compile(
    r"\s*(?:\[\s*(?:dot|\.)\s*\]|\(\s*(?:dot|\.)\s*\)|\{\s*(?:dot|\.)\s*\})\s*", re.I
)
_WORDS_RE = re.compile(
    r"\b([a-z0-9][a-z0-9._%+-]*)\s+at\s+([a-z0-9-]+(?:\s+dot\s+[a-z0-9-]+)+)\b", re.I
)
_PHONE_RE = re.compile(r"(?<![\w+])(?:\+|00)?\s?\(?\d(?:[ ().\-/\u00a0]{0,3}\d){6,17}(?!\w)")
_PHONE_LABEL_RE = re.compile(
    r"(?<![a-z])(telefax|fax|tel|phone|telephone|téléphone|telefon|telefone|teléfono|telefono|"
    r"tlf|call|mobile|mob|whatsapp|☎|📞)(?:\s*(?:number|no|nr|n\.?º))?\W{0,6}$",
    re.IGNORECASE,
)


def usable_email(candidate: str) -> str:
    address = normalize_email(unquote(candidate))
    if not address:
        return ""
    domain = address.rsplit("@", 1)[1]
    if domain.rsplit(".", 1)[-1] in FILE_EXTENSIONS:
        return ""
    if any(domain == p or domain.endswith("." + p) for p in PLACEHOLDER_DOMAINS):
        return ""
    return address


def emails_in_text(text: str) -> list[str]:
    """Addresses written in visible text, plain or obfuscated (rules in the module docstring)."""
    plain = _DOT_RE.sub(".", _AT_RE.sub("@", text))
    found = [match.group() for match in _EMAIL_RE.finditer(plain)]
    for match in _WORDS_RE.finditer(text):
        labels = re.split(r"\s+dot\s+", match.group(2), flags=re.I)
        if labels[-1].isalpha():
            found.append(f"{match.group(1)}@{'.'.join(labels)}")
    return [e for e in dict.fromkeys(map(usable_email, found)) if e]


def normalize_phone(raw: str) -> str:
    """``+`` and digits for international numbers, digits for national ones; "" when there
    are fewer than 7 or more than 15 digits."""
    text = unquote(raw).strip()
    international = text.startswith("+") or text.startswith("00")
    if text.startswith("+"):
        text = text.replace("(0)", "")
    digits = re.sub(r"\D", "", text)
    if text.startswith("00"):
        digits = digits[2:]
    if not 7 <= len(digits) <= 15:
        return ""
    return f"+{digits}" if international else digits


def phones_in_text(text: str) -> list[str]:
    phones: list[str] = []
    for match in _PHONE_RE.finditer(text):
        number = match.group().strip()
        label = _PHONE_LABEL_RE.search(text[max(0, match.start() - 30) : match.start()])
        if label and label.group(1).lower() in ("fax", "telefax"):
            continue
        if label or number.startswith(("+", "00")):
            phones.append(normalize_phone(number))
    return [phone for phone in dict.fromkeys(phones) if phone]
