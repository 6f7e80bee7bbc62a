"""``manage.py shadow_report DIR``: what Jengu would have sent in shadow mode against what the
old system sent in the same period (from a fresh export in DIR). Exits with an error when Jengu
would have written to anyone suppressed, excluded or bounced."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from migration.compare import ShadowComparison, compare_shadow
from migration.values import when

SHOWN = 20


def _moment(text: str) -> datetime:
    moment = when(text)
    if moment is None:
        raise CommandError(f"{text!r} is not a date or time (use e.g. 2026-12-01 or ISO 8601)")
    return moment


class Command(BaseCommand):
    help = "Compare the shadow-mode run with the old system's sends (a fresh export)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder", type=Path, help="folder holding a fresh export")
        parser.add_argument("--since", type=_moment, help="default: the first shadow send")
        parser.add_argument("--until", type=_moment, help="default: now")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["folder"].is_dir():
            raise CommandError(f"{options['folder']}: not a folder")
        result = compare_shadow(
            options["folder"], now=timezone.now(), since=options["since"], until=options["until"]
        )
        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
        else:
            self._text(result)
        if result.suppressed:
            raise CommandError(
                f"Jengu would have written to {len(result.suppressed)} suppressed address(es): "
                "import the fresh export (its exclusions and bounces) before turning shadow "
                "mode off, and check why they were queued"
            )

    def _text(self, result: ShadowComparison) -> None:
        out = self.stdout.write
        out(f"Period: {result.since:%Y-%m-%d %H:%M} to {result.until:%Y-%m-%d %H:%M} UTC")
        out(
            f"Jengu would have written to {len(result.jengu)} people; "
            f"the old system wrote to {len(result.legacy)}."
        )
        overlaps = result.overlaps
        out(f"\nBoth ({len(overlaps)}): the final import keeps the old system's email")
        for item in overlaps[:SHOWN]:
            steps = ", ".join(f"step {i['step']} {i['at'][:16]}" for i in item["jengu"])
            note = "  [different sender]" if item["sender_differs"] else ""
            out(f"  {item['recipient']}: Jengu {steps}; old {len(item['legacy'])} email(s){note}")
        self._list("Only Jengu", result.only_jengu, "step")
        self._list("Only the old system", result.only_legacy, "subject")
        out(f"\nSuppressed but would have been mailed ({len(result.suppressed)}; must be 0):")
        for item in result.suppressed:
            out(self.style.ERROR(f"  {item['recipient']}: {item['why']}"))

    def _list(self, title: str, items: list[dict[str, Any]], detail: str) -> None:
        self.stdout.write(f"\n{title} ({len(items)}):")
        for item in items[:SHOWN]:
            self.stdout.write(f"  {item['recipient']} {item['at'][:16]} ({detail}: {item[detail]})")
        if len(items) > SHOWN:
            self.stdout.write(f"  ... {len(items) - SHOWN} more (--json lists them all)")
