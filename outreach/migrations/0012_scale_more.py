"""Indexes for the dashboard's counts and the admin's status filter at a million emails:
emails by status newest first (the status filter's page and its count, the dashboard's queued,
sending and unknown counts), emails by ``sent_at`` (sent in the last 24 hours), and the unread
replies (a partial index: read or non-reply messages are not in it).

Built CONCURRENTLY on PostgreSQL (hence ``atomic = False``) so the busiest tables keep taking
writes meanwhile; the migration state is the plain ``AddIndex``.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations, models

INDEXES = [
    (
        "inboundmessage",
        models.Index(
            fields=["snoozed_until"],
            condition=models.Q(kind="reply", read_at__isnull=True),
            name="inbound_unread",
        ),
    ),
    (
        "outboundemail",
        models.Index(fields=["status", "-created_at", "-id"], name="outbound_status_newest"),
    ),
    (
        "outboundemail",
        models.Index(
            fields=["sent_at"],
            condition=models.Q(sent_at__isnull=False),
            name="outbound_sent_at",
        ),
    ),
]


def _kwargs(schema_editor: Any) -> dict[str, Any]:
    return {"concurrently": True} if schema_editor.connection.vendor == "postgresql" else {}


def create(apps: Any, schema_editor: Any) -> None:
    for model_name, index in INDEXES:
        model = apps.get_model("outreach", model_name)
        schema_editor.add_index(model, index, **_kwargs(schema_editor))


def drop(apps: Any, schema_editor: Any) -> None:
    for model_name, index in INDEXES:
        model = apps.get_model("outreach", model_name)
        schema_editor.remove_index(model, index, **_kwargs(schema_editor))


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("outreach", "0011_tracking")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(create, drop, elidable=False)],
            state_operations=[
                migrations.AddIndex(model_name=model_name, index=index)
                for model_name, index in INDEXES
            ],
        )
    ]
