"""``manage.py import_legacy DIR``: the old system's exports (D1 ``.sql`` dumps, Supabase
``.csv``/``.json`` tables) into Jengu. Safe to run again: nothing is duplicated, and the report
lists what changed, what was skipped and why, and the conflicts resolved."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from migration.importer import import_legacy


class Command(BaseCommand):
    help = "Import the Cloudflare/Vercel editions' exports (prospects, emails, campaigns ...)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder", type=Path, help="folder holding the export files")
        parser.add_argument("--json", action="store_true", help="print the report as JSON")
        parser.add_argument(
            "--dry-run", action="store_true", help="report what would change, change nothing"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        folder: Path = options["folder"]
        if not folder.is_dir():
            raise CommandError(f"{folder}: not a folder")
        report = import_legacy(folder, dry_run=options["dry_run"])
        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
            return
        if options["dry_run"]:
            self.stdout.write(self.style.WARNING("Dry run: nothing was saved."))
        for line in report.lines():
            self.stdout.write(line)
