from __future__ import annotations

import sys

from django.apps import AppConfig
from django.contrib import admin


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
        from core import logging as jengu_logging
        from core import metrics
        from core.security import admin as login_admin
        from core.security.twofactor import install_admin_login

        jengu_logging.connect_task_signals()  # every process: web, qcluster workers, commands
        metrics.connect_task_signals()
        metrics.on_process_start(sys.argv)  # a qcluster starting clears dead workers' samples
        install_admin_login(admin.site)  # the code field while JENGU_REQUIRE_2FA is set
        login_admin.register()
