"""What an import did: counts per kind, rows skipped and why, conflicts and how they were
resolved, and what the operator has to do next (inboxes to configure)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

KINDS = (
    "prospects",
    "contacts",
    "inboxes",
    "campaigns",
    "steps",
    "enrollments",
    "sent_emails",
    "replies",
    "bounces",
    "suppressions",
)
EXAMPLES = 5  # skipped rows shown per reason in the text report (all of them in --json)


@dataclass
class Skip:
    kind: str
    where: str
    reason: str


@dataclass
class LegacyReport:
    counts: dict[str, Counter[str]] = field(default_factory=dict)
    skipped: list[Skip] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    inboxes_to_configure: list[str] = field(default_factory=list)
    read_errors: list[tuple[str, str]] = field(default_factory=list)
    files: list[str] = field(default_factory=list)

    def count(self, kind: str, outcome: str, n: int = 1) -> None:
        self.counts.setdefault(kind, Counter())[outcome] += n

    def skip(self, kind: str, where: str, reason: str) -> None:
        self.skipped.append(Skip(kind, where, reason))
        self.count(kind, "skipped")

    def conflict(self, text: str) -> None:
        self.conflicts.append(text)

    def warn(self, text: str) -> None:
        if text not in self.warnings:
            self.warnings.append(text)

    def as_dict(self) -> dict[str, Any]:
        return {
            "files": self.files,
            "counts": {kind: dict(self.counts.get(kind, {})) for kind in KINDS},
            "skipped": [vars(s) for s in self.skipped],
            "conflicts": self.conflicts,
            "warnings": self.warnings,
            "inboxes_to_configure": self.inboxes_to_configure,
            "read_errors": [{"where": w, "detail": d} for w, d in self.read_errors],
        }

    def lines(self) -> list[str]:
        out = [f"Read {len(self.files)} file(s): {', '.join(self.files) or 'none'}", ""]
        for kind in KINDS:
            counts = self.counts.get(kind, Counter())
            parts = [f"{k} {v}" for k, v in sorted(counts.items())]
            out.append(f"  {kind:<13} {', '.join(parts) or 'none'}")
        out += self._skipped_lines()
        out += _section("Conflicts resolved", self.conflicts)
        out += _section("Warnings", self.warnings)
        out += _section(
            "Inboxes created disabled: set their password and activate them in the admin",
            self.inboxes_to_configure,
        )
        out += _section("Unreadable rows", [f"{w}: {d}" for w, d in self.read_errors])
        return out

    def _skipped_lines(self) -> list[str]:
        if not self.skipped:
            return []
        groups: dict[tuple[str, str], list[str]] = {}
        for skip in self.skipped:
            groups.setdefault((skip.kind, skip.reason), []).append(skip.where)
        out = ["", f"Skipped ({len(self.skipped)}):"]
        for (kind, reason), places in sorted(groups.items()):
            shown = ", ".join(places[:EXAMPLES]) + (" ..." if len(places) > EXAMPLES else "")
            out.append(f"  {kind}: {reason} ({len(places)}): {shown}")
        return out


def _section(title: str, items: list[str]) -> list[str]:
    return ["", f"{title} ({len(items)}):", *(f"  - {item}" for item in items)] if items else []
