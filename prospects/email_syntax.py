"""The fast path of ``prospects.normalize.email_address``: plain ASCII addresses.

Most addresses in an import are plain: letters, digits and the usual punctuation before the
@-sign, a host name after it. For those email-validator's answer is known without running it:
the address, lower-cased. ``plain_address`` recognizes a strict subset of what email-validator
accepts under ``email_address``'s options and returns that answer; for anything else
(internationalised or Punycode domains, quoted local parts, IP literals, odd lengths, reserved
names, any character outside the plain set) it returns None and the caller asks the library,
which gives the verdict and its reason. tests/prospects/test_email_fast_path.py compares both
over a corpus of tricky addresses.

Checked against email-validator 2.x (``syntax.validate_email_local_part``,
``validate_email_domain_name`` and ``validate_email_length``):

- local part: RFC 5322 dot-atom of ASCII ``atext`` (``DOT_ATOM_TEXT``), at most 64 characters
  (``strict``);
- domain: at least two labels of letters, digits and inner hyphens, each at most 63 characters,
  none with ``--`` in third and fourth place (IDNA's rule; Punycode ``xn--`` labels go the slow
  way), a top-level domain of two or more letters (the library wants a final letter; Jengu
  wants two), not under a special-use name (``test`` is allowed: ``test_environment``);
- the whole address at most 254 characters.
"""

from __future__ import annotations

import re

from email_validator import SPECIAL_USE_DOMAIN_NAMES

_ATEXT = r"[a-z0-9!#$%&'*+/=?^_`{|}~-]"
_LABEL = r"(?!..--)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
# ASCII-only input is checked first: with IGNORECASE alone, [a-z] would match the Kelvin sign.
_PLAIN_RE = re.compile(
    rf"(?P<local>{_ATEXT}+(?:\.{_ATEXT}+)*)@(?:{_LABEL}\.)+[a-z]{{2,63}}",
    re.ASCII | re.IGNORECASE,
)
LOCAL_MAX = 64
ADDRESS_MAX = 254
# The domain always has a dot here, so "under a special-use name" is a suffix test.
_RESERVED = tuple(f".{name}" for name in SPECIAL_USE_DOMAIN_NAMES if name != "test")


def plain_address(text: str) -> str | None:
    """``text`` lower-cased when it is a plain ASCII address email-validator accepts; None when
    the library must decide."""
    if len(text) > ADDRESS_MAX or not text.isascii():
        return None
    found = _PLAIN_RE.fullmatch(text)
    if found is None or len(found["local"]) > LOCAL_MAX:
        return None
    address = text.lower()
    return None if address.endswith(_RESERVED) else address
