"""``manage.py purge_raw_mail [--days N]``: delete stored raw inbound mail older than N days
(default JENGU_RAW_MAIL_RETENTION_DAYS); the parsed messages stay. The daily schedule runs it."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from outreach.services.retention import raw_mail_purge


class Command(BaseCommand):
    help = "Delete stored raw inbound mail older than JENGU_RAW_MAIL_RETENTION_DAYS."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, help="Override the setting (0 = keep all).")

    def handle(self, *args: Any, **options: Any) -> None:
        days = options["days"]
        if days is None:
            days = settings.JENGU["RAW_MAIL_RETENTION_DAYS"]
        purged = raw_mail_purge(now=timezone.now(), days=days)
        kept = "kept forever (retention 0)" if days <= 0 else f"older than {days} day(s)"
        self.stdout.write(f"raw mail purged from {purged} message(s); raw mail {kept}")
