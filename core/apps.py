from __future__ import annotations

import sys
from typing import Any

from django.apps import AppConfig
from django.contrib import admin
from django.db.models.signals import post_migrate


class CoreConfig(AppConfig):
    """The floor: what every app needs and that needs no app.

    Its label stays ``jengu`` (the app's name before the renovation), so the tables, the
    permissions (``jengu.change_deadletter``), the admin URLs (``/admin/jengu/...``) and the
    migration history of an existing installation keep their names.
    """

    name = "core"
    label = "jengu"
    verbose_name = "Jengu operations"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from core import admin_site, metrics
        from core import logging as jengu_logging
        from core.security import admin as login_admin
        from core.security.twofactor import install_admin_login

        jengu_logging.connect_task_signals()  # every process: web, qcluster workers, commands
        metrics.connect_task_signals()
        metrics.on_process_start(sys.argv)  # a qcluster starting clears dead workers' samples
        post_migrate.connect(_sync_roles, dispatch_uid="core.role_groups.sync")
        admin_site.install()  # any role signs in (RoleAuthenticationForm), not only staff
        # on top of the role form: the code field while JENGU_REQUIRE_2FA is set
        install_admin_login(admin.site)
        login_admin.register()


def _sync_roles(sender: AppConfig, apps: Any = None, **kwargs: Any) -> None:
    """After the last app's permissions exist (migrate, and flush in tests), sync the roles."""
    from django.apps import apps as global_apps

    from core.role_groups import sync_role_groups

    last = [config for config in global_apps.get_app_configs() if config.models_module][-1]
    if sender.label != last.label:
        return
    apps = apps or global_apps  # flush sends no migration state
    try:
        apps.get_model("auth", "Group")
    except LookupError:  # migrated back before auth existed
        return
    sync_role_groups(apps)
