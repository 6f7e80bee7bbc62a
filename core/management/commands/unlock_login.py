"""Unlock logins locked out by django-axes (README "Login security")."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.security.services import login_unlock


class Command(BaseCommand):
    help = "Forget failed logins: of a username, of a client address, of both, or --all."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username", help="unlock this username (from every address)")
        parser.add_argument("--ip", help="unlock this client address (every username)")
        parser.add_argument("--all", action="store_true", help="unlock everyone")

    def handle(self, *args: Any, **options: Any) -> None:
        username, ip, everything = options["username"], options["ip"], options["all"]
        if not (username or ip or everything):
            raise CommandError("give --username, --ip (both narrow it down) or --all")
        unlocked = login_unlock(username=username, ip=ip, everything=everything)
        if not unlocked:
            self.stdout.write("Nothing to unlock: no failed logins match.")
        for row in unlocked:
            self.stdout.write(
                f"Unlocked {row['username'] or '(no username)'} from {row['ip'] or '(no address)'}"
                f" ({row['failures']} failed logins forgotten)"
            )
