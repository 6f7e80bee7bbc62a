# The mailbox provider behind a contact's domain, decided at verification from the MX answer.
# Contacts verified before this field existed get it from the MX hosts their evidence kept.

from django.db import migrations, models

from prospects.mxproviders import mx_provider


def backfill(apps, schema_editor):
    Contact = apps.get_model("prospects", "Contact")
    checked = Contact.objects.exclude(email="").filter(verification_evidence__has_key="mx")
    for contact in checked.only("pk", "email", "verification_evidence").iterator():
        hosts = (contact.verification_evidence.get("mx") or {}).get("hosts") or []
        provider = mx_provider(list(hosts), domain=contact.email.rpartition("@")[2])
        if provider:
            Contact.objects.filter(pk=contact.pk).update(mx_provider=provider)


class Migration(migrations.Migration):
    dependencies = [
        ("prospects", "0003_import_job"),
    ]

    operations = [
        migrations.AddField(
            model_name="contact",
            name="mx_provider",
            field=models.CharField(
                blank=True,
                help_text="Mailbox provider behind the domain, from the MX seen at verification "
                "(prospects.mxproviders); empty = none recognised. Read by the per-provider send cap.",
                max_length=32,
            ),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
