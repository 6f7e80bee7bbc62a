"""``manage.py set_role USER ROLE``: give a user the role viewer, operator or admin (``none``
takes the role away). Idempotent: running it twice changes nothing the second time."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.role_groups import user_set_role
from core.roles import ROLES


class Command(BaseCommand):
    help = "Give USER the role ROLE (viewer, operator, admin, or none)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("role", choices=[*ROLES, "none"])

    def handle(self, *args: Any, **options: Any) -> None:
        model = get_user_model()
        try:
            user = model.objects.get(**{model.USERNAME_FIELD: options["username"]})
        except model.DoesNotExist as exc:
            raise CommandError(f"no user {options['username']!r}") from exc
        role = None if options["role"] == "none" else options["role"]
        changed = user_set_role(user=user, role=role)
        state = "now" if changed else "already"
        self.stdout.write(f"{user.get_username()} is {state} {role or 'without a role'}.")
        if user.is_superuser:
            self.stdout.write("Note: a superuser is an admin whatever its groups.")
