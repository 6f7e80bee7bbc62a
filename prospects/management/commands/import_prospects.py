"""``manage.py import_prospects FILE [FILE ...]``: CSV, Sales Navigator, Supabase CSV, JSON
Lines or a D1 SQL dump, with a progress bar and a per-line error report."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from prospects.pipeline.runs import record_import
from prospects.services.imports import ImportSummary, import_file


def _line_count(path: Path) -> int:
    count = 0
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            count += block.count(b"\n")
    return count + 1


class Command(BaseCommand):
    help = "Import prospects from CSV / JSON Lines / D1 SQL files; safe to run twice."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", type=Path)
        parser.add_argument("--source", default="", help="lead_source for rows without one")
        parser.add_argument("--json", action="store_true", help="print the summary as JSON")
        parser.add_argument("--no-progress", action="store_true")
        parser.add_argument("--chunk-size", type=int, default=1000)

    def handle(self, *args: Any, **options: Any) -> None:
        for path in options["files"]:
            if not path.is_file():
                raise CommandError(f"{path}: no such file")
        for path in options["files"]:
            summary = self._import(path, options)
            record_import(summary, trigger="command", name=path.name)
            self._report(path, summary, as_json=options["json"])

    def _import(self, path: Path, options: dict[str, Any]) -> ImportSummary:
        hide = options["no_progress"] or options["json"]
        bar = tqdm(
            total=_line_count(path),
            unit=" lines",
            desc=path.name,
            disable=hide,
            file=self.stderr._out,
            dynamic_ncols=True,
        )
        with bar, path.open("rb") as handle:
            summary = import_file(
                handle,
                path.name,
                source=options["source"],
                progress=lambda line: bar.update(max(0, line - bar.n)),
                chunk_size=max(1, options["chunk_size"]),
            )
            bar.update(bar.total - bar.n)
        return summary

    def _report(self, path: Path, summary: ImportSummary, *, as_json: bool) -> None:
        body = summary.as_dict()
        if as_json:
            self.stdout.write(json.dumps({"file": str(path), **body}, ensure_ascii=False))
            return
        self.stdout.write(f"{path} ({body['format']}): {body['rows']} rows")
        self.stdout.write(
            f"created: {body['created']}  updated: {body['updated']}  "
            f"duplicates: {body['duplicates']}  errors: {len(body['errors'])}"
        )
        if body["hints"]:
            self.stdout.write(f"possible duplicates to review in the admin: {body['hints']}")
        for error in body["errors"]:
            where = f"line {error['line']}" if error["line"] else "file"
            self.stdout.write(self.style.WARNING(f"  {where}: {error['detail']}"))
