"""Pattern tables for the classifier, as data: a regex, the reason it proves, the human cause.

The tables live in ``data/patterns.toml`` (its header explains the format and the order the
classifier tries them in); they are read and compiled once, at import. A reason that is not in
the vocabulary or a regex that does not compile fails the import, not a bounce at 3 a.m.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from inboxes.bounces.vocabulary import Reason

DATA = Path(__file__).resolve().parent / "data" / "patterns.toml"


@dataclass(frozen=True)
class Rule:
    pattern: re.Pattern[str]
    reason: Reason
    cause: str
    permanent_only: bool = False  # ignore the rule for 4xx / 4.x.x answers


def _regex(pattern: str | list[str]) -> re.Pattern[str]:
    return re.compile(pattern if isinstance(pattern, str) else "".join(pattern), re.IGNORECASE)


def _rule(row: dict[str, Any]) -> Rule:
    return Rule(
        _regex(row["pattern"]),
        Reason(row["reason"]),
        row["cause"],
        bool(row.get("permanent_only", False)),
    )


def _load() -> dict[str, Any]:
    with DATA.open("rb") as fh:
        return tomllib.load(fh)


_DATA = _load()

# Text that names the cause outright, then enhanced status codes, then weak words.
SPECIFIC_RULES: list[Rule] = [_rule(row) for row in _DATA["specific"]]
STATUS_RULES: list[Rule] = [_rule(row) for row in _DATA["status"]["rules"]]
GENERIC_RULES: list[Rule] = [_rule(row) for row in _DATA["generic"]]

# Blocklist operators named in BLOCKED causes, so the alert says which list to check.
BLOCKLIST_NAMES: list[tuple[re.Pattern[str], str]] = [
    (_regex(row["pattern"]), row["name"]) for row in _DATA["blocklists"]["rules"]
]

# Plain SMTP reply codes, used last of all.
SMTP_CODE_REASONS: dict[int, Reason] = {
    int(code): Reason(reason) for code, reason in _DATA["smtp_codes"].items()
}
