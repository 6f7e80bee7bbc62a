from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandParser
from rest_framework.authtoken.models import Token

from console.schedules import setup_schedules
from inboxes.services import initialize_inboxes
from outreach.seed import seed_campaigns


class Command(BaseCommand):
    help = (
        "First-run set-up (idempotent): local admin user and API token, default campaigns, "
        "schedules, inboxes from the environment, and with --demo the demo data."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--demo", action="store_true", help="Load demo hotels and inboxes.")
        parser.add_argument("--username", default="admin")

    def handle(self, *args: Any, **options: Any) -> None:
        self._admin(options["username"])
        seed_campaigns()
        # The demo's compressed schedules exist only in a demo install (docs/demo.md).
        self.stdout.write(f"schedules: {setup_schedules(demo=options['demo'])}")
        self.stdout.write(f"inboxes from the environment: {initialize_inboxes().as_dict()}")
        if options["demo"]:
            from console.demo import load_demo

            self.stdout.write(f"demo data: {load_demo()}")

    def _admin(self, username: str) -> None:
        users = get_user_model()
        path = settings.VAR_DIR / "admin-password.txt"
        user = users.objects.filter(username=username).first()
        if user is None:
            password = secrets.token_urlsafe(12)
            user = users.objects.create_superuser(username=username, email="", password=password)
            path.write_text(f"{username}\n{password}\n")
            path.chmod(0o600)
            self.stdout.write(self.style.SUCCESS(f"created admin user '{username}'"))
        token, _ = Token.objects.get_or_create(user=user)
        token_path = settings.VAR_DIR / "api-token.txt"
        token_path.write_text(token.key + "\n")
        token_path.chmod(0o600)
        if path.exists():
            self.stdout.write(f"admin login: user '{username}', password in {path}")
        self.stdout.write(f"API token for '{username}' in {token_path}")
