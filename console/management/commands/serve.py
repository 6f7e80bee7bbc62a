from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from core.metrics import clear_dead_process_files


class Command(BaseCommand):
    help = "Run the web server (gunicorn) and the task workers (qcluster) together."

    def add_arguments(self, parser: CommandParser) -> None:
        # `PORT=8001 make run` (or `make run PORT=8001`) when 8000 is taken; loopback only.
        port = os.environ.get("PORT") or "8000"
        parser.add_argument("--bind", default=f"127.0.0.1:{port}")
        parser.add_argument("--web-workers", type=int, default=2)

    def _demo_site(self) -> Any:
        """In demo mode, the demo hotels' websites the enrichment reads (console.demo_site)."""
        if not settings.JENGU["DEMO"]:
            return None
        from console.demo_site import start

        url = settings.JENGU["DEMO_SITE_URL"]
        try:
            site = start(url)
        except OSError as exc:
            self.stderr.write(f"demo hotel websites could not start on {url}: {exc}")
            return None
        self.stdout.write(f"demo mode: hotel websites on {site.url}, compressed schedules")
        return site

    def handle(self, *args: Any, **options: Any) -> None:
        python = sys.executable
        site = self._demo_site()
        # Web and workers start together, so every sample file left is from an earlier run.
        clear_dead_process_files()
        # The production config (JSON or console logs through structlog, metrics hooks); the
        # app's `jengu.request` line is the access log.
        gunicorn = [python, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "jengu.wsgi"]
        web = [*gunicorn, "--bind", options["bind"], "--workers", str(options["web_workers"])]
        procs = [subprocess.Popen(web), subprocess.Popen([python, "manage.py", "qcluster"])]
        self.stdout.write(
            self.style.SUCCESS(
                f"Jengu is running: http://{options['bind']}/admin/  (Ctrl-C stops web and workers)"
            )
        )

        def stop(*_: Any) -> None:
            for p in procs:
                if p.poll() is None:
                    p.send_signal(signal.SIGTERM)

        signal.signal(signal.SIGTERM, stop)
        try:
            while all(p.poll() is None for p in procs):
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass
        finally:
            stop()
            for p in procs:
                try:
                    p.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    p.kill()
            if site is not None:
                site.stop()
