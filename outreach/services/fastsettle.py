"""The settle of an accepted email as one statement, on PostgreSQL (``settle`` otherwise).

What ``settle`` does for an accepted email, and ``record_success`` after it, in one round trip
and one commit: the email sent (only by the claim's holder: ``transitions.sent_sql``), then, in
the lock order of the claim, the inbox's health (success, rolling rates over the window with
this send counted), its domain and provider counters, its InboxDay slot, the enrollment's next
step and the prospect's stage. Each runs only when the email's row changed; a lost claim
changes nothing and is answered None (``settle`` then says so).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection

from inboxes.models import Inbox, InboxDay
from inboxes.services.warmup import local_date
from outreach import transitions
from outreach.models import DomainDay, Enrollment, SequenceStep
from outreach.services.ledger import Claim
from outreach.services.settle import ANSWER
from prospects.models import Prospect
from prospects.services.stages import BEFORE_CONTACT

INBOXES, DAYS, CAPS = Inbox._meta.db_table, InboxDay._meta.db_table, DomainDay._meta.db_table
ENROLLMENTS, PROSPECTS = Enrollment._meta.db_table, Prospect._meta.db_table
DONE = "EXISTS (SELECT 1 FROM done)"


def next_steps(campaign_ids: set[int]) -> dict[tuple[int, int], int]:
    """(campaign, step number) -> its delay in days, for the campaigns of a pass: one read."""
    rows = SequenceStep.objects.filter(campaign_id__in=campaign_ids)
    return {(r.campaign_id, r.number): r.delay_days for r in rows}


def _health(inbox: Inbox, claim: Claim, now: datetime) -> tuple[str, list[Any]]:
    """``record_success``: the window's totals as read, plus this send's slot."""
    since = local_date(inbox, now) - timedelta(days=settings.JENGU["BOUNCE_WINDOW_DAYS"] - 1)
    totals = (
        f"(SELECT coalesce(sum(sent), 0) + (SELECT count(*) FROM {DAYS} WHERE inbox_id = %s "  # noqa: S608
        "AND date = %s AND date >= %s AND reserved > 0) AS sent, coalesce(sum(bounced), 0) AS "
        f"bounced, coalesce(sum(complaints), 0) AS complaints FROM {DAYS} "
        "WHERE inbox_id = %s AND date >= %s) t"
    )
    sql = (
        f"box AS (UPDATE {INBOXES} SET consecutive_failures = 0, circuit = %s, "  # noqa: S608
        "circuit_opened_at = NULL, last_success_at = %s, last_send_at = %s, bounce_sample = "
        "t.sent, bounce_rate = CASE WHEN t.sent > 0 THEN t.bounced::float / t.sent ELSE 0 END, "
        "complaint_rate = CASE WHEN t.sent > 0 THEN t.complaints::float / t.sent ELSE 0 END "
        f"FROM {totals} WHERE id = %s AND {DONE} RETURNING {INBOXES}.id)"
    )
    params = [Inbox.Circuit.CLOSED, now, now, inbox.pk, claim.day, since, inbox.pk, since]
    return sql, [*params, inbox.pk]


def settle_sent(
    claim: Claim,
    *,
    now: datetime,
    provider_id: str,
    raw: str,
    steps: dict[tuple[int, int], int],
) -> bool:
    """Record the accepted send of ``claim`` (made by ``fastclaim``); False: claim lost."""
    email = claim.email
    assert email is not None and email.inbox is not None and claim.hold is not None
    done, done_params = transitions.sent_sql(
        email.pk, token=claim.token, now=now, provider_id=provider_id, raw=raw
    )
    # Its own transaction commits without waiting for the WAL flush (as the AI settle): the
    # claim's commit, which makes the send at most once, waited for it. A settle lost in a
    # crash of the database leaves the row sending, then unknown: looked up, never resent.
    relaxed = (
        "TRUE"
        if connection.in_atomic_block
        else "set_config('synchronous_commit', 'off', true) IS NOT NULL"
    )
    done = done.replace(" RETURNING id", f" AND {relaxed} RETURNING id")
    ctes: list[tuple[str, list[Any]]] = [(f"done AS ({done})", done_params)]
    ctes.append(_health(email.inbox, claim, now))
    after = "box"
    for kind, key in claim.hold.counters():  # domain before provider: the lock order
        ctes.append(
            (
                f"c_{kind} AS (UPDATE {CAPS} SET reserved = reserved - 1, sent = sent + 1 "  # noqa: S608
                f"WHERE day = %s AND kind = %s AND key = %s AND reserved > 0 AND {DONE} AND "
                f"(SELECT count(*) FROM {after}) >= 0 RETURNING id)",
                [claim.hold.day, kind, key],
            )
        )
        after = f"c_{kind}"
    ctes.append(
        (
            f"warm AS (UPDATE {DAYS} SET reserved = reserved - 1, sent = sent + 1 "  # noqa: S608
            f"WHERE inbox_id = %s AND date = %s AND reserved > 0 AND {DONE} AND "
            f"(SELECT count(*) FROM {after}) >= 0 RETURNING id)",
            [claim.inbox_id, claim.day],
        )
    )
    if email.strategy != ANSWER:  # an operator's answer is no step of the sequence
        delay = steps.get((email.enrollment.campaign_id, email.step + 1))
        status = Enrollment.Status.ACTIVE if delay is not None else Enrollment.Status.COMPLETED
        ctes.append(
            (
                f"adv AS (UPDATE {ENROLLMENTS} SET current_step = %s, next_send_at = %s, "  # noqa: S608
                f"status = %s WHERE id = %s AND current_step < %s AND {DONE} AND "
                "(SELECT count(*) FROM warm) >= 0 RETURNING id)",
                [
                    email.step,
                    None if delay is None else now + timedelta(days=delay),
                    status,
                    email.enrollment_id,
                    email.step,
                ],
            )
        )
    before = ", ".join("%s" for _ in BEFORE_CONTACT)
    ctes.append(
        (
            f"pro AS (UPDATE {PROSPECTS} SET stage = CASE WHEN stage IN ({before}) THEN %s "  # noqa: S608
            "ELSE stage END, last_contacted_at = CASE WHEN last_contacted_at IS NULL OR "
            "last_contacted_at < %s THEN %s ELSE last_contacted_at END "
            f"WHERE id = %s AND {DONE} RETURNING id)",
            [*BEFORE_CONTACT, Prospect.Stage.CONTACTED, now, now, email.prospect_id],
        )
    )
    names = [sql.split(" ", 1)[0] for sql, _params in ctes]
    head = "WITH " + ", ".join(sql for sql, _params in ctes)
    counts = ", ".join(f"(SELECT count(*) FROM {n})" for n in names)  # noqa: S608
    sql = f"{head} SELECT {counts}"
    with connection.cursor() as cursor:
        cursor.execute(sql, [v for _sql, more in ctes for v in more])
        row = cursor.fetchone()
    return bool(row and row[0])
