"""Shared set-up for the benchmarks: Django on a PostgreSQL database of their own."""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


BENCH_FIELD_KEY = "e8cl4PU8_gyppF3TWsfhEpzTlX1Ov6rTmThzx2NGJz8="  # benchmarks' fake inboxes only


def setup(db_name: str, migrate: bool = True) -> str:
    """Create (if missing) and migrate ``db_name`` on the local PostgreSQL; return its URL.
    ``migrate=False``: Django only, as a web or worker process starts (the release step
    migrates, not them)."""
    sys.path.insert(0, str(ROOT))
    url = os.environ.get("BENCH_DATABASE_URL", f"postgres://postgres@127.0.0.1:5432/{db_name}")
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("JENGU_VAR_DIR", str(ROOT / "var" / "bench"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jengu.settings")
    # One key for every checkout's benchmarks: the bench databases outlive a clone, and an
    # inbox stored by another clone must still be readable (and deletable) here.
    os.environ.setdefault("FIELD_ENCRYPTION_KEY", BENCH_FIELD_KEY)
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    import django
    from django.core.management import call_command

    django.setup()
    if migrate:
        call_command("migrate", verbosity=0)
    return url
