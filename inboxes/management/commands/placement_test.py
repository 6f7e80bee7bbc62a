from __future__ import annotations

import json
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from core.errors import JenguError
from inboxes.models import PlacementRun
from inboxes.services.placement import placement_send, placement_start
from inboxes.services.placement_check import placement_check, scores


class Command(BaseCommand):
    help = (
        "Inbox-placement test: send one message from each active inbox to each seed mailbox "
        "(SEED_MAILBOX_N or the admin), wait, then report inbox / spam / missing per inbox."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--inbox", action="append", default=[], metavar="KEY", help="Only this inbox (repeat)."
        )
        parser.add_argument(
            "--wait",
            type=int,
            default=None,
            metavar="MINUTES",
            help="Minutes between sending and reading the seeds (JENGU_PLACEMENT_WAIT_MINUTES).",
        )
        parser.add_argument(
            "--check", type=int, metavar="RUN", help="Only read the seeds for an earlier run."
        )
        parser.add_argument("--json", action="store_true", help="Print the report as JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["check"]:
            run = PlacementRun.objects.filter(pk=options["check"]).first()
            if run is None:
                raise CommandError(f"no placement run {options['check']}")
        else:
            run = self._send(options)
        run = placement_check(run_id=run.pk)
        self._report(run, options["json"])

    def _send(self, options: dict[str, Any]) -> PlacementRun:
        try:
            run = placement_start(
                inbox_keys=options["inbox"],
                wait_minutes=options["wait"],
                actor="manage.py placement_test",
            )
        except JenguError as exc:
            raise CommandError(exc.message) from exc
        run = placement_send(run_id=run.pk)
        sent = run.results.filter(outcome="pending").count()
        self.stderr.write(f"Run {run.pk}: {sent} message(s) sent.")
        if run.state == PlacementRun.State.WAITING and run.check_after:
            wait = (run.check_after - timezone.now()).total_seconds()
            if wait > 0:
                self.stderr.write(f"Reading the seeds in {wait / 60:.0f} minute(s)...")
                time.sleep(wait)
        return run

    def _report(self, run: PlacementRun, as_json: bool) -> None:
        results = list(
            run.results.select_related("inbox", "seed").order_by("inbox__key", "seed__key")
        )
        if as_json:
            rows = [
                {
                    "inbox": r.inbox.key,
                    "seed": r.seed.key,
                    "outcome": r.outcome,
                    "folder": r.folder,
                    "detail": r.detail,
                }
                for r in results
            ]
            self.stdout.write(
                json.dumps({"run": run.pk, "state": run.state, "results": rows, "notes": run.notes})
            )
            return
        for r in results:
            where = f" ({r.folder})" if r.folder else f" ({r.detail})" if r.detail else ""
            self.stdout.write(f"{r.inbox.key:<20} {r.seed.key:<20} {r.outcome}{where}")
        for score in scores(run):
            rate = "n/a" if score.rate is None else f"{score.rate:.0%}"
            self.stdout.write(
                f"{score.inbox.key}: {rate} in the Inbox "
                f"({score.inbox_count} inbox, {score.spam} spam, {score.missing} missing)"
            )
        for note in run.notes:
            self.stdout.write(self.style.WARNING(note))
