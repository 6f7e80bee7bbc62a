"""Quoted-text removal strategies, so the benchmark can weigh the library against our rules.

`text.strip_quoted` (hand-written rules) is what the classifier uses; `mail-parser-reply` is a
maintained multi-language alternative, measured on the labelled corpus by bench/classifier.py.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

from aiengine.rules.text import html_to_text, strip_quoted

# mail-parser-reply 1.36 knows no Portuguese; these are the corpus languages it does know.
LIBRARY_LANGUAGES = ("en", "de", "fr", "es", "it", "nl")


@lru_cache(maxsize=1)
def _parser() -> object:
    from mailparser_reply import EmailReplyParser

    return EmailReplyParser(languages=list(LIBRARY_LANGUAGES))


def strip_with_library(body: str) -> str:
    """The latest reply as mail-parser-reply sees it (the whole body when it finds none)."""
    text = html_to_text(body or "")
    reply = _parser().parse_reply(text)  # type: ignore[attr-defined]
    return str(reply) if reply is not None else text


def strip_library_then_rules(body: str) -> str:
    return strip_quoted(strip_with_library(body))


STRATEGIES: dict[str, Callable[[str], str]] = {
    "hand rules": strip_quoted,
    "mail-parser-reply": strip_with_library,
    "library, then hand rules": strip_library_then_rules,
}
