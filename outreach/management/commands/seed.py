from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from outreach.seed import seed_campaigns


class Command(BaseCommand):
    help = "Create the default campaigns and sequences (the seed's db:seed). Idempotent."

    def handle(self, *args: Any, **options: Any) -> None:
        report = seed_campaigns()
        for state, names in report.items():
            for name in names:
                self.stdout.write(f"{state:9} {name}")
