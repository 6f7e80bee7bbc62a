# Campaign.blackout_dates: the campaign's own days closed to sending (outreach.blackout).

import outreach.blackout
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("outreach", "0004_domain_caps"),
    ]

    operations = [
        migrations.AddField(
            model_name="campaign",
            name="blackout_dates",
            field=models.TextField(
                blank=True,
                help_text="Days this campaign sends nothing, on top of JENGU_BLACKOUT_DATES: one date (2026-12-24) or range (2026-12-24..2026-12-26) per line or comma-separated, read on the recipient's local date.",
                validators=[outreach.blackout.validate_blackout],
            ),
        ),
    ]
