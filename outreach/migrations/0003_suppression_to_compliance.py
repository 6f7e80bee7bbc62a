# Suppression and UnsubscribeToken now belong to compliance (compliance 0001 took them over
# with their tables): drop them from outreach's state only, never from the database.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("compliance", "0001_initial"),
        ("outreach", "0002_shadowsend"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="Suppression"),
                migrations.DeleteModel(name="UnsubscribeToken"),
            ],
            database_operations=[],
        ),
    ]
