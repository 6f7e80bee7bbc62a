"""Erased people stay suppressed as salted hashes of their address and domain; the salt is
one database row (not derived from SECRET_KEY)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("compliance", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="SuppressionSalt",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("salt", models.CharField(max_length=64)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
            ],
        ),
        migrations.RemoveConstraint(
            model_name="suppression",
            name="suppression_email_xor_domain",
        ),
        migrations.AddField(
            model_name="suppression",
            name="email_hash",
            field=models.CharField(blank=True, db_index=True, max_length=64),
        ),
        migrations.AddField(
            model_name="suppression",
            name="domain_hash",
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AddConstraint(
            model_name="suppression",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("email", ""), models.Q(("domain", ""), _negated=True), ("email_hash", "")),
                    models.Q(models.Q(("email", ""), _negated=True), ("domain", ""), ("email_hash", "")),
                    models.Q(("email", ""), ("domain", ""), models.Q(("email_hash", ""), _negated=True)),
                    _connector="OR",
                ),
                name="suppression_email_xor_domain_xor_hash",
            ),
        ),
        migrations.AddConstraint(
            model_name="suppression",
            constraint=models.UniqueConstraint(
                condition=models.Q(("email_hash", ""), _negated=True),
                fields=("email_hash",),
                name="suppression_unique_email_hash",
            ),
        ),
    ]
