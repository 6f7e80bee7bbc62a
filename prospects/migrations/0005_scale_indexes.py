"""Trigram indexes for the prospect search (name, city, website's domain, contact email and
name), on PostgreSQL only: ``pg_trgm`` is a PostgreSQL extension; SQLite keeps its scans.

Django's ``icontains`` compiles to ``UPPER(col::text) LIKE UPPER(%s)`` on PostgreSQL, so each
index is on ``UPPER(col)``: an index on the bare column would never be used by the search.
Built CONCURRENTLY (hence ``atomic = False``) so a large table keeps taking writes meanwhile.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

INDEXES = [
    ("prospect_name_trgm", "prospects_prospect", "name"),
    ("prospect_city_trgm", "prospects_prospect", "city"),
    ("prospect_domain_trgm", "prospects_prospect", "domain"),
    ("contact_email_trgm", "prospects_contact", "email"),
    ("contact_name_trgm", "prospects_contact", "name"),
]


def _postgres(schema_editor: Any) -> bool:
    return schema_editor.connection.vendor == "postgresql"


def create(apps: Any, schema_editor: Any) -> None:
    if not _postgres(schema_editor):
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, column in INDEXES:
        schema_editor.execute(
            f'CREATE INDEX CONCURRENTLY IF NOT EXISTS "{name}" ON "{table}" '
            f'USING gin (UPPER("{column}") gin_trgm_ops)'
        )


def drop(apps: Any, schema_editor: Any) -> None:
    if not _postgres(schema_editor):
        return
    for name, _table, _column in INDEXES:
        schema_editor.execute(f'DROP INDEX CONCURRENTLY IF EXISTS "{name}"')


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("prospects", "0004_mx_provider")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
