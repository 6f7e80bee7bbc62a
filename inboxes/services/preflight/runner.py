"""Run the checks of one inbox (DNS, no transaction open), store them, alert on a failure."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from time import monotonic
from typing import Any

import checkdmarc.utils
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core.services import alert_raise, audit_record
from inboxes.clients.dns import BudgetResolver, budget_resolver
from inboxes.models import Inbox, InboxPreflight
from inboxes.services.preflight import records
from inboxes.services.preflight.lookup import Unanswered
from inboxes.services.preflight.spf import check_spf
from inboxes.services.preflight.target import (
    Result,
    Target,
    mode,
    not_checked,
    result,
    skip_reason,
)

log = logging.getLogger(__name__)
LOOKUP_TIMEOUT = 2.0  # seconds per DNS lookup
DOMAIN_BUDGET = 10.0  # seconds for all lookups of one inbox's domain
PARALLEL = 8  # inboxes checked at once


def _guarded(check: Callable[[], Result]) -> Result:
    try:
        return check()
    except Unanswered as exc:
        return result("warn", str(exc))
    except Exception as exc:  # a library's surprise must not stop the other checks
        log.warning("dns preflight check failed", exc_info=True)
        return result("warn", f"check could not run: {type(exc).__name__}: {exc}"[:300])


def _run_checks(resolver: BudgetResolver, target: Target) -> dict[str, Result]:
    out = {
        "mx": _guarded(lambda: records.check_mx(resolver, target)),
        "spf": _guarded(lambda: check_spf(resolver, target)),
        "dkim": _guarded(lambda: records.check_dkim(resolver, target)),
    }
    out["dmarc"] = _guarded(lambda: records.check_dmarc(resolver, target, out["spf"], out["dkim"]))
    out["rdns"] = _guarded(lambda: records.check_rdns(resolver, target))
    return out


def inspect(inbox: Inbox, deadline: float | None = None) -> dict[str, Result] | None:
    """The five results for this inbox, from DNS now; at most DOMAIN_BUDGET seconds, and
    None when the run's ``deadline`` (``time.monotonic()``) has passed before it started."""
    reason = skip_reason(inbox)
    if reason:
        return not_checked(reason)
    budget = DOMAIN_BUDGET if deadline is None else min(DOMAIN_BUDGET, deadline - monotonic())
    if budget < 1.0:
        return None
    resolver = budget_resolver(
        settings.JENGU.get("DNS_RESOLVER", ""), per_lookup=LOOKUP_TIMEOUT, budget=budget
    )
    return _run_checks(resolver, Target.of(inbox))


def is_blocking(results: dict[str, Result]) -> bool:
    """What enforce mode holds an inbox for: its SPF or its DMARC alignment fails."""
    return any(results.get(key, {}).get("result") == "fail" for key in ("spf", "dmarc"))


def _store(inbox: Inbox, results: dict[str, Result], now: datetime, actor: Any) -> InboxPreflight:
    blocking = is_blocking(results)
    with transaction.atomic():
        row, _ = InboxPreflight.objects.select_for_update().get_or_create(inbox=inbox)
        row.domain, row.checked_at, row.results, row.blocking = inbox.domain, now, results, blocking
        if not blocking:  # fixed: a later regression blocks again until a new override
            row.override_at, row.override_by = None, ""
        row.save()
        if actor is not None:
            audit_record(
                action="inbox_preflight",
                actor=actor,
                obj=inbox,
                detail={k: v["result"] for k, v in results.items()},
            )
    return row


def _alert(inbox: Inbox, row: InboxPreflight, now: datetime) -> None:
    failed = sorted(k for k, v in row.results.items() if v["result"] == "fail")
    if not failed:
        return
    held = row.blocking and mode() == "enforce" and row.override_at is None
    alert_raise(
        kind="dns_preflight",
        title=f"DNS preflight: {inbox.key} ({row.domain}) fails {', '.join(failed)}"
        + (": not sending until fixed or overridden" if held else ""),
        body="\n".join(f"{k}: {row.results[k]['reason']}" for k in failed),
        data={"inbox": inbox.key, "domain": row.domain, "failed": failed},
        dedup_key=f"dns_preflight:{inbox.pk}:{now.date()}:{','.join(failed)}",
    )


def preflight_run_many(
    *, inboxes: Iterable[Inbox], actor: Any = None, within: float | None = None
) -> list[InboxPreflight]:
    """Check these inboxes side by side, then store and alert (JENGU_DNS_PREFLIGHT=off: none).

    ``within`` (seconds) bounds the whole run, for callers that answer in a request: an inbox
    whose turn comes after that keeps its last result (the daily run checks it)."""
    todo = list(inboxes)
    deadline = None if within is None else monotonic() + within
    if mode() == "off" or not todo:
        return []
    # checkdmarc keeps answers for 30 minutes in a process-wide cache; a re-run after the
    # operator fixed a record must see the fix.
    checkdmarc.utils.DNS_CACHE.clear()
    with ThreadPoolExecutor(max_workers=min(PARALLEL, len(todo))) as pool:
        found = list(pool.map(lambda inbox: inspect(inbox, deadline), todo))
    now = timezone.now()
    rows = []
    for inbox, results in zip(todo, found, strict=True):
        if results is None:
            log.warning("dns preflight: no time left for %s in this run", inbox.key)
            continue
        row = _store(inbox, results, now, actor)
        _alert(inbox, row, now)
        rows.append(row)
    return rows


def preflight_run(*, inbox: Inbox, actor: Any = None) -> InboxPreflight | None:
    rows = preflight_run_many(inboxes=[inbox], actor=actor)
    return rows[0] if rows else None
