"""`manage.py bootstrap` writes one value per file: var/admin-password.txt holds the password
alone (so `$(cat var/admin-password.txt)` is the password), var/admin-user.txt the user name."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.test import RequestFactory

pytestmark = pytest.mark.django_db


def test_the_password_file_holds_the_password_alone(settings: Any, tmp_path: Path) -> None:
    settings.VAR_DIR = tmp_path
    call_command("bootstrap")
    password = (tmp_path / "admin-password.txt").read_text()
    user = (tmp_path / "admin-user.txt").read_text()
    assert len(password.splitlines()) == 1 and user == "admin\n"
    login = RequestFactory().post("/admin/login/")  # django-axes wants the request
    assert authenticate(login, username=user.strip(), password=password.strip()) is not None
    assert (tmp_path / "admin-password.txt").stat().st_mode & 0o777 == 0o600


def test_an_earlier_two_line_file_is_split_on_the_next_bootstrap(
    settings: Any, tmp_path: Path
) -> None:
    settings.VAR_DIR = tmp_path
    call_command("bootstrap")
    password = (tmp_path / "admin-password.txt").read_text().strip()
    (tmp_path / "admin-user.txt").unlink()
    (tmp_path / "admin-password.txt").write_text(f"admin\n{password}\n")  # the old layout
    call_command("bootstrap")
    assert (tmp_path / "admin-password.txt").read_text() == password + "\n"
    assert (tmp_path / "admin-user.txt").read_text() == "admin\n"
