"""What does Jengu conclude about these raw messages? Changes nothing in the database.

Operators use it to answer "why was this address suppressed?".
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from aiengine.services.classifying import classify_reply_text
from inboxes.bounces import MessageKind, analyze_message
from outreach.services.inbound import body_text, headers_of

HUMAN_KINDS = {MessageKind.REPLY, MessageKind.AUTO_REPLY, MessageKind.UNSUBSCRIBE}


def inspect(path: Path) -> dict[str, Any]:
    raw = path.read_bytes()
    analysis = analyze_message(raw)
    row: dict[str, Any] = {
        "file": str(path),
        **analysis.summary(),
        "intent": None,
        "confidence": None,
    }
    if analysis.kind in HUMAN_KINDS:
        text, _ = body_text(raw)
        verdict = classify_reply_text(subject=analysis.subject, body=text, headers=headers_of(raw))
        row["intent"], row["confidence"] = str(verdict.intent), round(verdict.confidence, 2)
    if analysis.flags:
        row["flags"] = analysis.flags
    return row


class Command(BaseCommand):
    help = "Classify raw messages (bounce / complaint / auto-reply / reply / other) and explain."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", type=Path)
        parser.add_argument("--json", action="store_true", help="One JSON object per line.")

    def handle(self, *args: Any, **options: Any) -> None:
        for path in options["files"]:
            if not path.is_file():
                raise CommandError(f"{path}: no such file")
            row = inspect(path)
            if options["json"]:
                self.stdout.write(json.dumps(row, ensure_ascii=False))
                continue
            self.stdout.write(self.style.MIGRATE_HEADING(str(path)))
            for key, value in row.items():
                if key != "file" and value not in (None, "", []):
                    self.stdout.write(f"  {key:20} {value}")
