# The role groups viewer, operator and admin (core.roles) with their model permissions; staff
# users who had no role become operators, so an upgrade keeps them working. The permissions are
# synced again after every migrate (core.apps), so models added later are covered.

from django.contrib.auth.management import create_permissions
from django.db import migrations

from core.role_groups import sync_role_groups, upgrade_staff


def forwards(apps, schema_editor):
    for config in apps.get_app_configs():
        config.models_module = True  # a fresh database: the permissions do not exist yet
        create_permissions(config, apps=apps, verbosity=0)
        config.models_module = None
    sync_role_groups(apps)
    upgrade_staff(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("jengu", "0004_ratelimit_counters"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
