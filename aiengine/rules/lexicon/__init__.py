"""Phrase lists for the reply rules, one module per language, matched against folded text.

Languages: English, German, French, Spanish, Portuguese, Italian, Dutch. Each category is
compiled into one regex over all languages (a reply may mix them), so a rule reports the
phrase that fired.
"""

from __future__ import annotations

import re

from aiengine.rules.lexicon import de, en, es, fr, it, nl, pt

LANGUAGES = (en, de, fr, es, pt, it, nl)


def phrases(category: str) -> list[str]:
    return [phrase for lang in LANGUAGES for phrase in lang.PHRASES.get(category, ())]


def _any(category: str) -> re.Pattern[str]:
    return re.compile(r"(?<![\w'])(?:" + "|".join(phrases(category)) + r")(?![\w'])")


AUTO_SUBJECT = re.compile(r"^\s*(" + "|".join(phrases("AUTO_SUBJECT")) + r")(\b|\s|:|$)")
UNSUBSCRIBE = _any("UNSUBSCRIBE")
OUT_OF_OFFICE = _any("OUT_OF_OFFICE")
# A person saying they are away: a clear positive in the same reply wins over it.
AWAY = _any("AWAY")
# An auto-reply that says the person left: their replacement is a delegation, not an absence.
LEFT_COMPANY = _any("LEFT_COMPANY")
NOT_INTERESTED = _any("NOT_INTERESTED")
# Polite brush-offs: they lose to a clear meeting or question ("we have a provider, but let's
# talk") and beat a mere "interesting".
SOFT_NO = _any("SOFT_NO")
# A meeting mentioned to decline it ("no time for a call", "merci pour la proposition de
# rendez-vous"): blanked out before the positive rules look.
NEGATED_MEETING = _any("NEGATED_MEETING")
MEETING = _any("MEETING")
SCHEDULING_DELEGATE = _any("SCHEDULING_DELEGATE")
DELEGATION = _any("DELEGATION")
NEEDS_INFO = _any("NEEDS_INFO")
# A whole reply of one word of assent: positive, but what it agrees to needs the thread.
ASSENT = re.compile(
    r"^\s*(" + "|".join(phrases("ASSENT")) + r")[\s,.!]*(why not|please|sure|thanks|thank you)?"
    r"[\s.!]*$"
)
INTERESTED = _any("INTERESTED")
