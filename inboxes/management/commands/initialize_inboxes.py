from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from inboxes.services import initialize_inboxes


class Command(BaseCommand):
    help = "Register SMTP_INBOX_N and the Azure mailbox as inboxes (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="Print the report as JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        report = initialize_inboxes(actor="manage.py initialize_inboxes")
        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict()))
            return
        for state, keys in report.as_dict().items():
            if state == "preflight":
                for line in keys:  # one inbox per line: "smtp-1: mx pass, spf fail, ..."
                    self.stdout.write(f"DNS preflight {line}")
            elif keys:
                style = self.style.ERROR if state == "errors" else self.style.SUCCESS
                self.stdout.write(style(f"{state}: {', '.join(keys)}"))
        if not any(report.as_dict().values()):
            self.stdout.write("No inboxes in the environment (SMTP_INBOX_N, AZURE_MAIL_FROM).")
