"""Inbox-placement tests, part 1: create a run and send one message per (inbox, seed).

A placement message spends the inbox's reputation like any other, so each one takes a warmup
slot (the same ledger rule: reserved under the row lock, consumed when the server took it or
bounced it, released when it never got an answer). An inbox without a slot for every seed is
skipped whole, with the reason, rather than tested on half the providers. Reading the seeds is
``placement_check`` (services/placement_check.py), T minutes later.
"""

from __future__ import annotations

import logging
import secrets
from datetime import date, datetime, timedelta
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, formataddr, make_msgid
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core.errors import JenguError
from core.services import actor_label, emergency_stop_active
from inboxes.bounces import Consequence
from inboxes.clients import SendResult, Transport, transport_for
from inboxes.models import Inbox, PlacementResult, PlacementRun, SeedMailbox
from inboxes.services.health import circuit_allows
from inboxes.services.placement_seeds import seeds_sync
from inboxes.services.warmup import (
    remaining_today,
    warmup_consume,
    warmup_release,
    warmup_reserve,
)

log = logging.getLogger(__name__)
HEADER = "X-Jengu-Placement"
Outcome = PlacementResult.Outcome


def placement_start(
    *, inbox_keys: list[str] | None = None, wait_minutes: int | None = None, actor: Any = None
) -> PlacementRun:
    """A new run (queued). An unknown inbox key is an error (the operator named it); the env
    seeds are synced first, and a bad ``SEED_MAILBOX_N`` line goes to the run's notes rather than
    raising, so one typo in one seed never blocks the test on the others."""
    keys = sorted(set(inbox_keys or []))
    unknown = sorted(
        set(keys) - set(Inbox.objects.filter(key__in=keys).values_list("key", flat=True))
    )
    if unknown:
        raise JenguError(f"no inbox {', '.join(unknown)}", code="inbox_not_found", status=404)
    report = seeds_sync(actor=actor)
    wait = settings.JENGU["PLACEMENT_WAIT_MINUTES"] if wait_minutes is None else wait_minutes
    return PlacementRun.objects.create(
        inbox_keys=keys,
        wait_minutes=max(0, wait),
        started_by=actor_label(actor),
        notes=list(report.errors),
    )


def _inboxes(run: PlacementRun) -> list[Inbox]:
    qs = Inbox.objects.filter(key__in=run.inbox_keys) if run.inbox_keys else Inbox.objects.all()
    return list(qs.exclude(status=Inbox.Status.DISABLED).order_by("key"))


def _why_not(inbox: Inbox, seeds: int, now: datetime) -> str:
    """Why this inbox sends no placement message now ("" = it may)."""
    if inbox.status != Inbox.Status.ACTIVE:
        return f"inbox is {inbox.status}"
    if inbox.provider == Inbox.Provider.MAILDIR:
        return "a Maildir inbox delivers to no mailbox provider"
    left = remaining_today(inbox, now)
    if left < seeds:
        return f"needs {seeds} warmup slot(s), {left} left today"
    return ""


def _reserve(inbox_id: int, now: datetime) -> tuple[date | None, str]:
    with transaction.atomic():
        inbox = Inbox.objects.select_for_update().get(pk=inbox_id)
        if inbox.status != Inbox.Status.ACTIVE or not circuit_allows(inbox, now):
            return None, f"inbox is {inbox.status}, circuit {inbox.circuit}"
        day = warmup_reserve(inbox=inbox, now=now)
        return day, "" if day else "warmup limit reached"


def placement_message(inbox: Inbox, seed: SeedMailbox, token: str, now: datetime) -> EmailMessage:
    msg = EmailMessage(policy=SMTP)
    msg["From"] = formataddr((inbox.display_name, inbox.address))
    msg["To"] = seed.email
    msg["Subject"] = f"Checking in from {inbox.display_name or inbox.domain}"
    msg["Date"] = format_datetime(now)
    msg["Message-ID"] = make_msgid(domain=inbox.domain or "jengu.invalid")
    msg[HEADER] = token
    msg.set_content(
        "Hello,\n\nA short note to make sure our messages reach you.\n"
        f"Nothing to do on your side.\n\nBest regards,\n{inbox.display_name or inbox.address}\n"
    )
    return msg


def _settle(inbox: Inbox, day: date, result: SendResult) -> str:
    """The warmup slot per the ledger's rule; returns the error text ("" = accepted)."""
    if result.accepted:
        warmup_consume(inbox_id=inbox.pk, day=day)
        return ""
    verdict = result.verdict
    if result.outcome == "rejected" and verdict and verdict.consequence != Consequence.TRY_LATER:
        warmup_consume(inbox_id=inbox.pk, day=day, bounced=True)
    else:
        warmup_release(inbox_id=inbox.pk, day=day)
    return f"{result.outcome}: {result.code or ''} {result.message}".strip()[:500]


def _send_one(
    transport: Transport, inbox: Inbox, seed: SeedMailbox, now: datetime
) -> dict[str, Any]:
    day, why = _reserve(inbox.pk, now)
    if day is None:
        return {"outcome": Outcome.NOT_SENT, "detail": why}
    msg = placement_message(inbox, seed, secrets.token_hex(8), now)
    result = transport.send(raw=msg.as_bytes(), mail_from=inbox.address, recipients=[seed.email])
    error = _settle(inbox, day, result)
    if error:
        return {"outcome": Outcome.NOT_SENT, "detail": error}
    return {"outcome": Outcome.PENDING, "message_id": msg["Message-ID"], "sent_at": now}


def _send_inbox(run: PlacementRun, inbox: Inbox, seeds: list[SeedMailbox], now: datetime) -> None:
    why = _why_not(inbox, len(seeds), now)
    if why:
        run.notes.append(f"{inbox.key}: skipped, {why}")
        return
    transport = transport_for(inbox)
    try:
        for seed in seeds:
            fields = _send_one(transport, inbox, seed, now)
            PlacementResult.objects.update_or_create(
                run=run, inbox=inbox, seed=seed, defaults=fields
            )
    finally:
        transport.close()


def placement_send(*, run_id: int) -> PlacementRun:
    """Send the run's messages (network I/O: never inside a transaction). Idempotent: a
    redelivered task finds the run past ``queued`` and sends nothing twice."""
    now = timezone.now()
    if not PlacementRun.objects.filter(pk=run_id, state=PlacementRun.State.QUEUED).update(
        state=PlacementRun.State.SENDING
    ):
        return PlacementRun.objects.get(pk=run_id)
    run = PlacementRun.objects.get(pk=run_id)
    seeds = list(SeedMailbox.objects.filter(active=True).order_by("key"))
    if not seeds:
        run.notes.append("no active seed mailbox: set SEED_MAILBOX_N or add one in the admin")
    elif emergency_stop_active():
        run.notes.append("emergency stop is on: nothing sent")
    else:
        for inbox in _inboxes(run):
            _send_inbox(run, inbox, seeds, now)
    sent = run.results.filter(outcome=Outcome.PENDING).exists()
    run.state = PlacementRun.State.WAITING if sent else PlacementRun.State.DONE
    run.sent_at = now
    run.check_after = now + timedelta(minutes=run.wait_minutes)
    run.save(update_fields=["state", "sent_at", "check_after", "notes"])
    log.info("placement messages sent", extra={"run": run.pk, "waiting": sent})
    return run


def placement_enqueue(
    *, inbox_keys: list[str] | None = None, wait_minutes: int | None = None, actor: Any = None
) -> PlacementRun:
    """The admin's way: a queued run whose sending and checking happen in the workers."""
    from core.tasking import enqueue

    with transaction.atomic():
        run = placement_start(inbox_keys=inbox_keys, wait_minutes=wait_minutes, actor=actor)
        enqueue("inboxes.tasks.placement_send", run.pk)
    return run
