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

Disposable (throwaway) domains come from the ``disposable-email-domains`` package, a pinned
copy of the community blocklist, with an operator's local overrides on top: a file of
``allow DOMAIN`` / ``deny DOMAIN`` lines (``overrides_path``; docs/prospects.md).
"""

from __future__ import annotations

import logging
import re
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path

from disposable_email_domains import blocklist
from django.conf import settings

from prospects.conf import knob
from prospects.normalize import email_problem, fold_latin, normalize_domain

log = logging.getLogger(__name__)

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


def overrides_path() -> Path:
    """The operator's allow/deny file for disposable domains (``JENGU_DISPOSABLE_OVERRIDES``,
    default ``var/disposable_overrides.txt``); a missing file means no overrides."""
    configured = knob("DISPOSABLE_OVERRIDES")
    return Path(configured) if configured else Path(settings.VAR_DIR) / "disposable_overrides.txt"


@lru_cache(maxsize=4)
def _read_overrides(path: str, _stamp: int) -> tuple[frozenset[str], frozenset[str]]:
    """``(allowed, denied)`` from lines ``allow DOMAIN`` / ``deny DOMAIN`` (``#`` comments).
    Cached per modification time, so an edit counts from the next check, no restart needed."""
    allowed: set[str] = set()
    denied: set[str] = set()
    text = Path(path).read_text(encoding="utf-8")
    for number, line in enumerate(text.splitlines(), 1):
        words = line.split("#", 1)[0].split()
        if not words:
            continue
        domain = normalize_domain(words[-1]) if len(words) == 2 else ""
        if words[0].lower() not in ("allow", "deny") or not domain:
            log.warning(
                "%s line %d ignored: expected 'allow DOMAIN' or 'deny DOMAIN'", path, number
            )
            continue
        (allowed if words[0].lower() == "allow" else denied).add(domain)
    return frozenset(allowed), frozenset(denied)


def _overrides() -> tuple[frozenset[str], frozenset[str]]:
    path = overrides_path()
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        return frozenset(), frozenset()
    return _read_overrides(str(path), stamp)


def disposable_domains() -> frozenset[str]:
    """The domains ``is_disposable`` refuses: the ``disposable-email-domains`` blocklist (its
    version is pinned in requirements.txt) with the operator's overrides applied."""
    allowed, denied = _overrides()
    return frozenset((blocklist | denied) - allowed)


def syntax_ok(email: str) -> bool:
    """True when ``email`` (taken as given, no stripping) is a usable address; see
    ``prospects.normalize.email_address`` for the rules."""
    return not email_problem(email)


def is_role_address(email: str) -> bool:
    """True for functional mailboxes (info@, reservations@, gm@ ...); rules in the docstring.

    A classification of addresses already taken in (normalized by ``normalize_email``), so the
    syntax is not checked again here: on an import that would double the cost of each row."""
    local, at, domain = (email or "").strip().lower().rpartition("@")
    if not (local and at and domain):
        return False
    local = local.split("+")[0]
    roles = role_localparts()
    parts = [part.rstrip("0123456789") for part in _SEPARATORS_RE.split(local) if part]
    whole = "".join(parts)
    return whole in roles or (bool(parts) and parts[0] in roles)


def is_disposable(domain: str) -> bool:
    """True when ``domain`` (or an email address, or a URL) belongs to a throwaway-mail service,
    subdomains included (``x.mailinator.com``). The most specific entry decides: an operator's
    ``allow`` of a domain wins over the blocklist's entry for it or for its parent."""
    host = normalize_domain(domain)
    if not host:
        return False
    allowed, denied = _overrides()
    labels = host.split(".")
    for suffix in (".".join(labels[i:]) for i in range(len(labels) - 1)):
        if suffix in allowed:
            return False
        if suffix in denied or suffix in blocklist:
            return True
    return False


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
