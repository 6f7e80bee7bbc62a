"""Inbox-placement tests, part 2: read the seeds, record inbox / spam / missing, alert.

One IMAP session per seed finds all of the run's messages. A seed that cannot be read (wrong
password, server down) marks its results ``unreadable``, never ``missing``: a missing message
is a verdict on the sending inbox, an unreadable seed is not. An inbox whose share of messages
in the Inbox is below JENGU_PLACEMENT_MIN_INBOX_RATE raises one alert per run.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core.models import Alert
from core.services import alert_raise
from inboxes.clients.imap import IMAPError
from inboxes.clients.seeds import locate
from inboxes.models import Inbox, PlacementResult, PlacementRun, SeedMailbox

log = logging.getLogger(__name__)
Outcome = PlacementResult.Outcome


@dataclass(frozen=True)
class InboxScore:
    inbox: Inbox
    inbox_count: int
    spam: int
    missing: int

    @property
    def checked(self) -> int:
        return self.inbox_count + self.spam + self.missing

    @property
    def rate(self) -> float | None:
        """Share delivered to the Inbox; None when nothing could be judged."""
        return self.inbox_count / self.checked if self.checked else None


def spam_folder_names() -> list[str]:
    return list(settings.JENGU["PLACEMENT_SPAM_FOLDERS"])


def _check_seed(seed: SeedMailbox, results: list[PlacementResult]) -> None:
    try:
        found = locate(seed, [r.message_id for r in results], spam_folder_names())
    except IMAPError as exc:
        log.warning("placement seed unreadable", extra={"seed": seed.key, "error": str(exc)})
        for result in results:
            result.outcome, result.detail = Outcome.UNREADABLE, str(exc)[:500]
        return
    for result in results:
        hit = found.get(result.message_id)
        result.outcome = hit.where if hit else Outcome.MISSING
        result.folder = hit.folder if hit else ""


def scores(run: PlacementRun) -> list[InboxScore]:
    by_inbox: dict[int, dict[str, int]] = {}
    inboxes: dict[int, Inbox] = {}
    for result in run.results.select_related("inbox"):
        inboxes[result.inbox_id] = result.inbox
        counts = by_inbox.setdefault(result.inbox_id, {})
        counts[result.outcome] = counts.get(result.outcome, 0) + 1
    return [
        InboxScore(
            inboxes[pk],
            counts.get(Outcome.INBOX, 0),
            counts.get(Outcome.SPAM, 0),
            counts.get(Outcome.MISSING, 0),
        )
        for pk, counts in sorted(by_inbox.items(), key=lambda item: inboxes[item[0]].key)
    ]


def _alert(run: PlacementRun, score: InboxScore, threshold: float) -> None:
    rate = score.rate
    alert_raise(
        kind=Alert.Kind.OTHER,
        title=f"Inbox placement of {score.inbox.key} is {rate:.0%} (below {threshold:.0%})",
        body=(
            f"Placement test #{run.pk}: {score.inbox_count} in the Inbox, {score.spam} in spam, "
            f"{score.missing} missing, of {score.checked} seed mailboxes."
        ),
        data={
            "type": "placement_low",
            "run": run.pk,
            "inbox": score.inbox.key,
            "rate": rate,
            "inbox_count": score.inbox_count,
            "spam": score.spam,
            "missing": score.missing,
        },
        dedup_key=f"placement_low:{run.pk}:{score.inbox.pk}",
    )


def placement_check(*, run_id: int, now: datetime | None = None) -> PlacementRun:
    """Read every seed that has pending messages of this run; idempotent once done."""
    now = now or timezone.now()
    run = PlacementRun.objects.get(pk=run_id)
    if run.state != PlacementRun.State.WAITING:
        return run
    pending = list(run.results.filter(outcome=Outcome.PENDING).select_related("seed"))
    by_seed: dict[int, list[PlacementResult]] = {}
    for result in pending:
        by_seed.setdefault(result.seed_id, []).append(result)
    for results in by_seed.values():
        _check_seed(results[0].seed, results)  # network I/O, outside any transaction
    with transaction.atomic():
        if not PlacementRun.objects.filter(pk=run.pk, state=PlacementRun.State.WAITING).update(
            state=PlacementRun.State.DONE, checked_at=now
        ):
            return PlacementRun.objects.get(pk=run.pk)  # another check got there first
        PlacementResult.objects.bulk_update(pending, ["outcome", "folder", "detail"])
    run.refresh_from_db()
    threshold = settings.JENGU["PLACEMENT_MIN_INBOX_RATE"]
    for score in scores(run):
        if score.rate is not None and score.rate < threshold:
            _alert(run, score, threshold)
    return run


def _judged() -> Any:
    return PlacementResult.objects.filter(run__state=PlacementRun.State.DONE).exclude(
        outcome__in=[Outcome.NOT_SENT, Outcome.UNREADABLE]
    )


def placement_tested() -> set[int]:
    """Ids of the inboxes with a finished placement run, in one query: the status API asks
    ``placement_latest`` only about these, not once per inbox."""
    return set(_judged().order_by().values_list("inbox_id", flat=True).distinct())


def placement_latest(inbox: Inbox, tested: set[int] | None = None) -> dict[str, Any]:
    """The inbox's latest finished placement run, for the status API; every key always there.
    ``tested`` (from ``placement_tested``) answers an inbox never tested without a query."""
    never = {"run": None, "checked_at": None, "inbox": 0, "spam": 0, "missing": 0, "rate": None}
    if tested is not None and inbox.pk not in tested:
        return never
    latest = _judged().filter(inbox=inbox).select_related("run").order_by("-run_id").first()
    if latest is None:
        return never
    outcomes = list(
        PlacementResult.objects.filter(run_id=latest.run_id, inbox=inbox).values_list(
            "outcome", flat=True
        )
    )
    counts = {o: outcomes.count(o) for o in (Outcome.INBOX, Outcome.SPAM, Outcome.MISSING)}
    judged = sum(counts.values())
    return {
        "run": latest.run_id,
        "checked_at": latest.run.checked_at,
        "inbox": counts[Outcome.INBOX],
        "spam": counts[Outcome.SPAM],
        "missing": counts[Outcome.MISSING],
        "rate": round(counts[Outcome.INBOX] / judged, 4) if judged else None,
    }
