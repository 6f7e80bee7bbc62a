"""``manage.py export_reply_labels [--since DATE] [--output FILE]``: the replies whose intent an
operator corrected, one JSON object a line, for the classifier's corpus (``predicted`` is what
the classifier said, ``intent`` the operator's label)."""

from __future__ import annotations

import json
from datetime import datetime, time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.dateparse import parse_date

from outreach.services.replies import reply_labels


class Command(BaseCommand):
    help = "Write the operator-corrected reply intents as JSONL (labelled data)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--since", help="Corrections on or after this date (YYYY-MM-DD).")
        parser.add_argument("--output", "-o", help="A file to write (default: standard output).")

    def handle(self, *args: Any, **options: Any) -> None:
        since = None
        if options["since"]:
            day = parse_date(options["since"])
            if day is None:
                raise CommandError("--since takes a date, YYYY-MM-DD")
            since = timezone.make_aware(datetime.combine(day, time.min))
        lines = (json.dumps(label, ensure_ascii=False) for label in reply_labels(since=since))
        if options["output"]:
            with open(options["output"], "w", encoding="utf-8") as out:
                count = sum(1 for line in lines if out.write(line + "\n"))
            self.stderr.write(f"{count} labelled replies written to {options['output']}")
            return
        for line in lines:
            self.stdout.write(line)
