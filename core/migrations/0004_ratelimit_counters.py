# The rate limiter's counter rows move here from aiengine (prospects' vendor calls use them and
# must not depend on aiengine). Their tables keep their names (db_table), so this changes
# Django's state only: the rows of an existing database stay.

from decimal import Decimal

from django.db import migrations, models

from core.migrating import move_content_types

MODELS = ["providerwindow", "providerstate"]


class Migration(migrations.Migration):
    dependencies = [
        ("aiengine", "0001_initial"),  # created both tables
        ("contenttypes", "0002_remove_content_type_name"),
        ("jengu", "0003_task_names"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ProviderState",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("provider", models.CharField(max_length=32, unique=True)),
                        ("backoff_until", models.DateTimeField(blank=True, null=True)),
                        ("backoff_seconds", models.PositiveIntegerField(default=0)),
                        ("last_error", models.TextField(blank=True)),
                        ("last_error_at", models.DateTimeField(blank=True, null=True)),
                        ("last_success_at", models.DateTimeField(blank=True, null=True)),
                    ],
                    options={"db_table": "aiengine_providerstate"},
                ),
                migrations.CreateModel(
                    name="ProviderWindow",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("provider", models.CharField(max_length=32)),
                        ("window", models.CharField(choices=[("minute", "Minute"), ("day", "Day")], max_length=8)),
                        ("window_start", models.DateTimeField()),
                        ("requests", models.PositiveIntegerField(default=0)),
                        ("tokens", models.PositiveBigIntegerField(default=0)),
                        ("cost_usd", models.DecimalField(decimal_places=6, default=Decimal("0"), max_digits=12)),
                    ],
                    options={
                        "db_table": "aiengine_providerwindow",
                        "ordering": ["-window_start", "provider"],
                        "constraints": [models.UniqueConstraint(fields=("provider", "window", "window_start"), name="providerwindow_unique")],
                    },
                ),
            ],
            database_operations=[],
        ),
        move_content_types("aiengine", "jengu", MODELS),
    ]
