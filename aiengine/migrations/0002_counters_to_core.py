# ProviderWindow and ProviderState now belong to core (app label jengu, which took them over
# with their tables in jengu 0004): drop them from aiengine's state only, never from the database.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("aiengine", "0001_initial"),
        ("jengu", "0004_ratelimit_counters"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="ProviderState"),
                migrations.DeleteModel(name="ProviderWindow"),
            ],
            database_operations=[],
        ),
    ]
