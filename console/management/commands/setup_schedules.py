from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from console.schedules import setup_schedules, specs


class Command(BaseCommand):
    help = "Create or update the django-q2 schedules (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        report = setup_schedules()
        by_name = {s.name: s for s in specs()}
        for state in ("created", "updated", "unchanged"):
            for name in report[state]:
                spec = by_name[name]
                self.stdout.write(f"{state:9} {spec.cron:18} {name} -> {spec.func}")
