"""The renovation moved task modules out of the project package: rewrite stored task names.

Schedules and dead letters store dotted task names; rows written before the move still name
``jengu.tasks`` and the demo modules. Tasks already sitting in the broker keep the old name and
fail once into the dead-letter queue, where they can be replayed under the new name.
"""

from __future__ import annotations

from django.db import migrations

RENAMED = {
    "jengu.tasks.deliver_alert": "core.tasks.deliver_alert",
    "jengu.tasks.weekly_maintenance": "console.tasks.weekly_maintenance",
    "jengu.demo.send_pass": "console.demo.send_pass",
    "jengu.demo.pipeline": "console.demo.pipeline",
    "jengu.demo_responder.respond": "console.demo_responder.respond",
    "aiengine.tasks.draft_ahead": "outreach.tasks.draft_ahead",
    "aiengine.tasks.draft_one": "outreach.tasks.draft_one",
    "inboxes.tasks.check_replies": "outreach.tasks.check_replies",
    "inboxes.tasks.check_inbox": "outreach.tasks.check_inbox",
}


def rename(apps, schema_editor, mapping=RENAMED):  # type: ignore[no-untyped-def]
    schedule = apps.get_model("django_q", "Schedule")
    letter = apps.get_model("jengu", "DeadLetter")
    for old, new in mapping.items():
        schedule.objects.filter(func=old).update(func=new)
        letter.objects.filter(task_name=old).update(task_name=new)


def unrename(apps, schema_editor):  # type: ignore[no-untyped-def]
    rename(apps, schema_editor, {new: old for old, new in RENAMED.items()})


class Migration(migrations.Migration):
    dependencies = [
        ("jengu", "0002_maintenance"),
        ("django_q", "__first__"),
    ]

    operations = [migrations.RunPython(rename, unrename)]
