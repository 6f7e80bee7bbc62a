from __future__ import annotations

import secrets
from pathlib import Path
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
        user_path = settings.VAR_DIR / "admin-user.txt"
        user = users.objects.filter(username=username).first()
        if user is None:
            password = secrets.token_urlsafe(12)
            user = users.objects.create_superuser(username=username, email="", password=password)
            _private(path, password)
            _private(user_path, username)
            self.stdout.write(self.style.SUCCESS(f"created admin user '{username}'"))
        elif path.exists():
            _split_old_file(path, user_path)
        token, _ = Token.objects.get_or_create(user=user)
        token_path = settings.VAR_DIR / "api-token.txt"
        _private(token_path, token.key)
        if path.exists():
            self.stdout.write(f"admin login: user '{username}' ({user_path}), password in {path}")
        self.stdout.write(f"API token for '{username}' in {token_path}")


def _private(path: Path, value: str) -> None:
    """One value per file, so that ``$(cat var/admin-password.txt)`` is the value itself."""
    path.write_text(value + "\n")
    path.chmod(0o600)


def _split_old_file(path: Path, user_path: Path) -> None:
    """Earlier installs wrote "user\\npassword" to the password file: move the user out."""
    lines = path.read_text().split()
    if len(lines) == 2:
        _private(user_path, lines[0])
        _private(path, lines[1])
