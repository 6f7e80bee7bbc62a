# Per-domain and per-provider daily caps: the counters, the campaign override, the claim's hold.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('outreach', '0003_suppression_to_compliance'),
    ]

    operations = [
        migrations.AddField(
            model_name='campaign',
            name='domain_daily_cap',
            field=models.PositiveIntegerField(blank=True, help_text='Emails per recipient domain per UTC day, all inboxes together; empty = JENGU_DOMAIN_DAILY_CAP, 0 = no cap.', null=True),
        ),
        migrations.AddField(
            model_name='outboundemail',
            name='cap_day',
            field=models.DateField(blank=True, help_text='UTC day whose domain/provider cap slots this holds.', null=True),
        ),
        migrations.AddField(
            model_name='outboundemail',
            name='cap_provider',
            field=models.CharField(blank=True, help_text='Mailbox provider whose cap slot this holds.', max_length=32),
        ),
        migrations.CreateModel(
            name='DomainDay',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('domain', 'Domain'), ('provider', 'Provider')], max_length=16)),
                ('key', models.CharField(help_text='Registrable domain, or provider name.', max_length=253)),
                ('day', models.DateField(help_text='UTC day.')),
                ('reserved', models.PositiveIntegerField(default=0)),
                ('sent', models.PositiveIntegerField(default=0)),
            ],
            options={
                'ordering': ['-day', 'kind', 'key'],
                'constraints': [models.UniqueConstraint(fields=('day', 'kind', 'key'), name='domainday_unique')],
            },
        ),
    ]
