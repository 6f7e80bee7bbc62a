"""Indexes for the outbound, inbound and replies admin search (``core/admin_search.py``), on
PostgreSQL only: ``pg_trgm`` is a PostgreSQL extension; SQLite keeps its scans.

``icontains`` compiles to ``UPPER(col::text) LIKE UPPER(%s)``, hence trigram indexes on
``UPPER(col)``. The outbound table is the busiest write path, so it gets only the two the search
needs (recipient, subject): its Message-ID is searched exactly, which the unique index already
answers, and the prospect's name has its own trigram index. The inbound Message-ID gets a plain
btree (its unique index leads with the inbox). No index on the inbound body: the search reads it
only when nothing else matches. Built CONCURRENTLY (hence ``atomic = False``) so the tables keep
taking writes meanwhile.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

INDEXES = [
    ("outbound_recipient_trigram", "outreach_outboundemail", 'gin (UPPER("recipient") gin_trgm_ops)'),
    ("outbound_subject_trigram", "outreach_outboundemail", 'gin (UPPER("subject") gin_trgm_ops)'),
    ("inbound_from_trigram", "outreach_inboundmessage", 'gin (UPPER("from_address") gin_trgm_ops)'),
    ("inbound_subject_trigram", "outreach_inboundmessage", 'gin (UPPER("subject") gin_trgm_ops)'),
    ("inbound_message_id", "outreach_inboundmessage", 'btree ("message_id")'),
]


def _postgres(schema_editor: Any) -> bool:
    return schema_editor.connection.vendor == "postgresql"


def create(apps: Any, schema_editor: Any) -> None:
    if not _postgres(schema_editor):
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, method in INDEXES:
        schema_editor.execute(
            f'CREATE INDEX CONCURRENTLY IF NOT EXISTS "{name}" ON "{table}" USING {method}'
        )


def drop(apps: Any, schema_editor: Any) -> None:
    if not _postgres(schema_editor):
        return
    for name, _table, _method in INDEXES:
        schema_editor.execute(f'DROP INDEX CONCURRENTLY IF EXISTS "{name}"')


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("outreach", "0008_scale_indexes")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
