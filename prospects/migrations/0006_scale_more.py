"""The admin's contacts newest first (``contact_newest``, both databases), and indexes for the
suffix lookups of ``outreach.services.company`` (which sequences a reply stops), on PostgreSQL
only: a btree on the reversed, upper-cased contact email and website domain, so that "ends with
@hotelgroup.co.uk" is a prefix range of the index instead of a scan. ``text_pattern_ops`` lets
LIKE 'prefix%' use it whatever the database collation; the expressions are the ones Django
emits for ``Reverse(Upper(field))``. SQLite keeps its scans. Built CONCURRENTLY on PostgreSQL
(hence ``atomic = False``) so a large table keeps taking writes meanwhile.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations, models

INDEXES = [
    ("contact_email_reversed", "prospects_contact", "email"),
    ("prospect_domain_reversed", "prospects_prospect", "domain"),
]


def _postgres(schema_editor: Any) -> bool:
    return schema_editor.connection.vendor == "postgresql"


NEWEST = models.Index(fields=["-created_at", "-id"], name="contact_newest")


def create(apps: Any, schema_editor: Any) -> None:
    contact = apps.get_model("prospects", "contact")
    if not _postgres(schema_editor):
        schema_editor.add_index(contact, NEWEST)
        return
    schema_editor.add_index(contact, NEWEST, concurrently=True)
    for name, table, column in INDEXES:
        schema_editor.execute(
            f'CREATE INDEX CONCURRENTLY IF NOT EXISTS "{name}" ON "{table}" '
            f'((REVERSE(UPPER("{column}"::text))) text_pattern_ops)'
        )


def drop(apps: Any, schema_editor: Any) -> None:
    contact = apps.get_model("prospects", "contact")
    if not _postgres(schema_editor):
        schema_editor.remove_index(contact, NEWEST)
        return
    schema_editor.remove_index(contact, NEWEST, concurrently=True)
    for name, _table, _column in INDEXES:
        schema_editor.execute(f'DROP INDEX CONCURRENTLY IF EXISTS "{name}"')


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("prospects", "0005_scale_indexes")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(create, drop, elidable=False)],
            state_operations=[migrations.AddIndex(model_name="contact", index=NEWEST)],
        )
    ]
