"""Email address helpers: syntax, role and disposable checks, and guessed personal addresses.

Role addresses (``data/role_localparts.txt``) are the functional mailboxes of a business:
``info@``, ``reservations@``, ``booking@``, ``frontdesk@``, ``sales@``... ``gm@``, ``director@``
and ``manager@`` are role addresses too: they follow the job, not the person, even though they
usually reach a decision maker. "Role" is a classification, not a verdict: the caller decides
whether to write to one (a personal address is preferred when there is one).

An address is a role address when its local part, lower-cased, without a ``+tag`` and with
trailing digits dropped, is a listed word, either whole (``front-desk`` and ``front.desk`` read
as ``frontdesk``) or as its first part (``reservas.lisboa@``, ``info-porto@``). A listed word
elsewhere does not count: ``ana.sales@`` is Ana Sales.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

from prospects.normalize import email_syntax_ok, fold_latin, normalize_domain, normalize_email

_SEPARATORS_RE = re.compile(r"[._-]+")
_NOT_ALNUM_RE = re.compile(r"[^a-z0-9]+")
# Particles that start a compound surname but are not the surname people write in an address.
_SURNAME_PARTICLES = frozenset(
    {"van", "von", "der", "den", "de", "del", "della", "di", "da", "das", "dos", "du", "la", "le"}
    | {"y", "e", "zu", "ten", "ter", "st", "mac", "al", "el", "bin", "ibn"}
)


@cache
def _word_list(filename: str) -> frozenset[str]:
    text = resources.files("prospects").joinpath("data", filename).read_text(encoding="utf-8")
    words = (line.split("#", 1)[0].strip().lower() for line in text.splitlines())
    return frozenset(word for word in words if word)


def role_localparts() -> frozenset[str]:
    return _word_list("role_localparts.txt")


def disposable_domains() -> frozenset[str]:
    return _word_list("disposable_domains.txt")


def syntax_ok(email: str) -> bool:
    """True when ``email`` (taken as given, no stripping) is a usable address; see
    ``prospects.normalize.email_syntax_ok`` for the rules."""
    return email_syntax_ok(email)


def is_role_address(email: str) -> bool:
    """True for functional mailboxes (info@, reservations@, gm@ ...); rules in the docstring."""
    address = normalize_email(email)
    if not address:
        return False
    local = address.split("@")[0].split("+")[0]
    roles = role_localparts()
    parts = [part.rstrip("0123456789") for part in _SEPARATORS_RE.split(local) if part]
    whole = "".join(parts)
    return whole in roles or (bool(parts) and parts[0] in roles)


def is_disposable(domain: str) -> bool:
    """True when ``domain`` (or an email address, or a URL) belongs to a throwaway-mail service,
    subdomains included (``x.mailinator.com``)."""
    host = normalize_domain(domain)
    if not host:
        return False
    listed = disposable_domains()
    labels = host.split(".")
    return any(".".join(labels[i:]) in listed for i in range(len(labels) - 1))


def _name_parts(name: str) -> list[str]:
    """ASCII words of a personal name: "Núñez" -> ["nunez"], "O'Brien" -> ["obrien"],
    "Smith-Jones" -> ["smith", "jones"]."""
    folded = fold_latin(name or "")
    folded = re.sub(r"['\u2019\u02bc`]", "", folded)
    words = (_NOT_ALNUM_RE.sub("", word) for word in re.split(r"[\s\-]+", folded))
    return [word for word in words if word]


def _surname_variants(last: str) -> list[str]:
    """The whole surname joined ("vanderberg", "garciamarquez"), then its core: the first word
    that is not a particle ("berg", "garcia"), which many people use alone."""
    words = _name_parts(last)
    if not words:
        return []
    core = next((word for word in words if word not in _SURNAME_PARTICLES), words[-1])
    return list(dict.fromkeys(["".join(words), core]))


def candidate_patterns(first: str, last: str, domain: str) -> list[str]:
    """Likely personal addresses, most common first: first.last, first, flast, firstl,
    firstlast, last.first, for the whole surname and then for its core word.

    Accents are transliterated ("José Núñez" -> jose.nunez@), apostrophes dropped, hyphenated
    and multi-word first names joined ("Jean-Luc" -> jeanluc). Names with no Latin letters give
    no candidates (no transliteration of other scripts). With no surname, only ``first@``.
    """
    host = normalize_domain(domain)
    given = "".join(_name_parts(first))
    if not host or not given:
        return []
    locals_: list[str] = [] if _surname_variants(last) else [given]
    for surname in _surname_variants(last):
        locals_ += [f"{given}.{surname}", given, f"{given[0]}{surname}"]
        locals_ += [f"{given}{surname[0]}", f"{given}{surname}", f"{surname}.{given}"]
    addresses = (f"{local}@{host}" for local in dict.fromkeys(locals_))
    return [address for address in addresses if syntax_ok(address)]
