"""Indexes for a million-row ledger: the enrollments changelist's default order, and the
reply matched by its sender (``recipient__iexact`` compiles to ``UPPER(recipient)``)."""

import django.db.models.functions.text
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("outreach", "0007_approval"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="enrollment",
            index=models.Index(fields=["-created_at", "-id"], name="enrollment_newest"),
        ),
        migrations.AddIndex(
            model_name="outboundemail",
            index=models.Index(
                django.db.models.functions.text.Upper("recipient"),
                models.F("inbox"),
                name="outbound_recipient_ci",
            ),
        ),
    ]
