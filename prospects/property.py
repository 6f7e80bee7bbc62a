"""Which kind of property a text describes: an import's "type" cell or a website's title and
description. Pure functions, no Django."""

from __future__ import annotations

import re

from prospects.normalize import fold_latin

BNB_WORDS = (
    "b&b", "bnb", "bed and breakfast", "bed & breakfast", "guesthouse", "guest house",
    "pension", "pensao", "pensione", "casa de hospedes", "chambres d'hotes", "gasthof",
    "gastehaus", "agriturismo", "turismo rural",
)  # fmt: skip
# (choice value, words), most specific first: "boutique hotel" is boutique, "hostel" is not a
# hotel, "guesthouse" is a B&B.
KEYWORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("boutique_hotel", ("boutique",)),
    ("hostel", ("hostel", "hostal", "albergue")),
    (
        "bnb",
        BNB_WORDS,
    ),
    ("resort", ("resort",)),
    (
        "apartments",
        ("apartments", "apartment", "aparthotel", "apartamentos", "serviced apartments"),
    ),
    ("hotel", ("hotel", "hotels", "albergo", "hotell")),
)
CHOICES = frozenset(value for value, _ in KEYWORDS) | {"other"}
ALIASES = {
    "boutique": "boutique_hotel",
    "guesthouse": "bnb",
    "guest_house": "bnb",
    "b_b": "bnb",
    "bed_and_breakfast": "bnb",
    "aparthotel": "apartments",
    "serviced_apartments": "apartments",
    "apartment": "apartments",
}
_WORD_RE = {
    value: re.compile(r"(?<![a-z])(?:" + "|".join(map(re.escape, words)) + r")(?![a-z])")
    for value, words in KEYWORDS
}


def property_type_for(text: str) -> str:
    """The Prospect.PropertyType value a text points to, or "" when it says nothing."""
    folded = fold_latin(text or "")
    for value, _words in KEYWORDS:
        if _WORD_RE[value].search(folded):
            return value
    return ""


def property_type_from_cell(cell: str) -> str:
    """An import's property-type cell: a choice value, an alias, free text, else "other"."""
    key = re.sub(r"[^a-z0-9]+", "_", fold_latin(cell or "").strip()).strip("_")
    if not key:
        return ""
    if key in CHOICES:
        return key
    return ALIASES.get(key) or property_type_for(cell) or "other"
