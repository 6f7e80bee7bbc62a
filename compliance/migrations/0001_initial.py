# The suppression list and unsubscribe tokens move here from outreach. Their tables keep their
# names (db_table), so this changes Django's state only: the rows of an existing database stay.

import django.db.models.functions.text
from django.db import migrations, models

from core.migrating import move_content_types

MODELS = ["suppression", "unsubscribetoken"]


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("outreach", "0002_shadowsend"),  # outreach 0001 created both tables
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Suppression",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("email", models.EmailField(blank=True, max_length=254)),
                        ("domain", models.CharField(blank=True, max_length=255)),
                        ("reason", models.CharField(choices=[("unsubscribe", "Unsubscribe"), ("bounce", "Hard bounce"), ("complaint", "Spam complaint"), ("opt_out_reply", "Asked to stop in a reply"), ("manual", "Manual"), ("legacy", "Imported exclusion")], max_length=32)),
                        ("source", models.CharField(blank=True, help_text="What put it here.", max_length=100)),
                        ("detail", models.TextField(blank=True, help_text="Evidence: diagnostic, reply text, ...")),
                        ("created_by", models.CharField(default="system", max_length=150)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                    ],
                    options={
                        "db_table": "outreach_suppression",
                        "ordering": ["-created_at", "-id"],
                        "constraints": [models.CheckConstraint(condition=models.Q(models.Q(("email", ""), models.Q(("domain", ""), _negated=True)), models.Q(models.Q(("email", ""), _negated=True), ("domain", "")), _connector="OR"), name="suppression_email_xor_domain"), models.UniqueConstraint(django.db.models.functions.text.Lower("email"), condition=models.Q(("email", ""), _negated=True), name="suppression_unique_email"), models.UniqueConstraint(django.db.models.functions.text.Lower("domain"), condition=models.Q(("domain", ""), _negated=True), name="suppression_unique_domain")],
                    },
                ),
                migrations.CreateModel(
                    name="UnsubscribeToken",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("email", models.EmailField(max_length=254)),
                        ("token", models.CharField(max_length=64, unique=True)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("used_at", models.DateTimeField(blank=True, null=True)),
                    ],
                    options={
                        "db_table": "outreach_unsubscribetoken",
                        "constraints": [models.UniqueConstraint(django.db.models.functions.text.Lower("email"), name="unsubscribetoken_unique_email")],
                    },
                ),
            ],
            database_operations=[],
        ),
        move_content_types("outreach", "compliance", MODELS),
    ]
