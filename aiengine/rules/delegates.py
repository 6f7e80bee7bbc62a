"""Who a reply points us to: "please contact my colleague Maria (maria@hotel.com)"."""

from __future__ import annotations

import re
from collections.abc import Iterable

_EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
# Words after which a name follows: "my colleague Maria", "speak to Pedro", "cc'd Tom Price".
_ROLE_LEAD = re.compile(
    r"\b(?i:colleague|assistant|manager|successor|replacement|director|owner|contact|kolleg\w*|"
    r"coll[eè]gue|collega|compa[nñ]er[oa]|colega|responsable|responsabile|respons[aá]vel|"
    r"speak to|talk to|reach out to|write to|with|an|à|a|con|com|this to|it to|"
    r"e-?mail to|message to|cc'?d|copied|copying|looping in)[,:]?\s+"
)
# Words between a name and its address: "Maria at maria@", "his email is collins@".
_CONNECTOR = re.compile(
    r"(?i)(at|on|via|unter|under|à|a|en|em|al|su|e-?mail|mail|address|is|ist|est|es|é|è|or|"
    r"and|und|his|her|their)\Z"
)
_HONORIFIC = re.compile(r"(?i)(mr|mrs|ms|miss|dr|herr|frau|m|mme|mlle|sr|sra|srta|sig|signora)\Z")
# Capitalised words that are roles, greetings or sentence starters, not names.
_NOT_NAME = re.compile(
    r"(?i)(please|contact|reach|my|our|the|revenue|general|manager|director|sales|marketing|"
    r"owner|reservations?|team|department|office|hotel|front|desk|gm|assistant|colleague|"
    r"e-?mail|mail|kind|best|regards|thanks|thank|you|hi|hello|dear|i|we|she|he|her|his|head|"
    r"of|and|or|events|operations|reception|rooms|bitte|kollegin|kollege|mon|ma|coll[eè]gue|"
    r"mi|compa[nñ]er[oa]|colega|minha|meu|il|la|mia|collega)\Z"
)


def find_delegate(text: str, sender: str = "") -> tuple[str | None, str | None]:
    """(email, name) of the person the author points us to, each None when not given."""
    emails = [e.rstrip(".") for e in _EMAIL.findall(text) if e.lower().rstrip(".") != sender]
    email = emails[0] if emails else None
    name = _name_before(text[: text.index(email)]) if email else None
    return email, name or _name_after_role(text)


def _name_before(prefix: str) -> str | None:
    tokens = re.split(r"[\s(<\[:,;–—]+", prefix[-80:].rstrip(" (<[:,-–—"))
    while tokens and (not tokens[-1] or _CONNECTOR.match(tokens[-1])):
        tokens.pop()
    return _capitalised_run(reversed(tokens), reverse=True)


def _name_after_role(text: str) -> str | None:
    for match in _ROLE_LEAD.finditer(text):
        name = _capitalised_run(re.split(r"[\s,;:()]+", text[match.end() : match.end() + 60]))
        if name:
            return name
    return None


def _capitalised_run(tokens: Iterable[str], *, reverse: bool = False) -> str | None:
    """Up to three consecutive capitalised words; read backwards when the name ends the text."""
    run: list[str] = []
    for token in tokens:
        clean = token.strip(".'\"")
        if not run and not reverse and _HONORIFIC.match(clean):
            continue  # "Mr. Rossi": the name follows
        is_name = clean.replace("-", "").replace("'", "").isalpha() and clean[0].isupper()
        if not is_name or _HONORIFIC.match(clean) or _NOT_NAME.match(clean) or len(run) == 3:
            break
        run.append(clean)
    if reverse:
        run.reverse()
    return " ".join(run) or None
