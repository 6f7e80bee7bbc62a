"""The claim as one statement, on PostgreSQL: the send pass's common case in one round trip.

``ledger.claim_next`` takes a transaction and a dozen statements per email (lock the inbox,
page through the due rows, check each, reserve the domain, provider and warmup slots, mark it
claimed). Here the send pass has already read the due rows of its inboxes (``sendqueue``), so
one statement takes a given email, with the same rules and the same lock order:

  the inbox (FOR UPDATE: active, circuit closed, out of its gap, no emergency stop) ->
  the email (FOR UPDATE SKIP LOCKED: still queued and due, same attempt, sticky to this inbox
  or none, enrollment active, recipient not suppressed) -> its domain's DomainDay, then its
  provider's (insert-or-increment under the cap) -> the inbox's InboxDay (the same) ->
  the email claimed, the inbox's next gap, the enrollment made sticky.

All or nothing: each step runs only when the one before it returned its row, and a counter
taken when a later one refused (a race the read-only pre-checks did not see) fails the whole
statement (a division by zero), which rolls it back. Whatever does not go through here (a day
full, a cap reached, a suppressed recipient, an inbox paused, a first send of its warmup) is
answered None: the caller then takes ``claim_next``, which applies and explains every rule.
"""

from __future__ import annotations

import logging
import uuid
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection, transaction

from compliance import hashing
from core.models import Switch
from inboxes.models import Inbox, InboxDay
from inboxes.services.warmup import local_date, schedule_for, warmup_week
from outreach import transitions
from outreach.models import DomainDay, Enrollment, OutboundEmail
from outreach.services import domaincaps, policy
from outreach.services.ledger import Claim
from outreach.services.messages import message_id_domain, new_message_id

log = logging.getLogger(__name__)
EMAILS, INBOXES, DAYS = OutboundEmail._meta.db_table, Inbox._meta.db_table, InboxDay._meta.db_table
CAPS, ENROLLMENTS = DomainDay._meta.db_table, Enrollment._meta.db_table
SUPPRESSIONS, SWITCHES = "outreach_suppression", Switch._meta.db_table


def available() -> bool:
    return connection.vendor == "postgresql"


@dataclass(frozen=True)
class Sender:
    """What the claim needs to know about its inbox, read once per pass."""

    inbox: Inbox
    salt: str | None  # the suppression hashes' salt (None: nothing was ever hashed)


def _health(cfg: dict[str, Any]) -> tuple[str, list[Any]]:
    """``warmup.health_factor`` on the locked inbox row (its circuit is closed here)."""
    low, high = cfg["BOUNCE_PAUSE_RATE"] * 0.3, cfg["BOUNCE_PAUSE_RATE"] / 2
    enough = "b.bounce_sample >= %s"
    sql = (
        f"CASE WHEN {enough} AND b.bounce_rate >= %s THEN 0.5 "
        f"WHEN {enough} AND b.bounce_rate >= %s THEN 0.75 ELSE 1 END"
    )
    return sql, [cfg["BOUNCE_MIN_SAMPLE"], high, cfg["BOUNCE_MIN_SAMPLE"], low]


def _counter(kind: str, key: str, day: date, cap: int, after: str) -> tuple[str, list[Any]]:
    room = f"WHERE {CAPS}.reserved + {CAPS}.sent < %s" if cap else ""
    sql = (
        f"INSERT INTO {CAPS} (kind, key, day, reserved, sent) "  # noqa: S608
        f"SELECT %s, %s, %s, 1, 0 FROM {after} ON CONFLICT (day, kind, key) DO UPDATE "
        f"SET reserved = {CAPS}.reserved + 1 {room} RETURNING id"
    )
    return sql, [kind, key, day, *([cap] if cap else [])]


def _not_full(hold: domaincaps.Hold, caps: dict[str, int]) -> tuple[str, list[Any]]:
    """A read-only look at the counters (the snapshot): a full one is not tried at all."""
    parts, params = [], []
    for kind, key in hold.counters():
        if cap := caps.get(kind, 0):
            parts.append(
                f"NOT EXISTS (SELECT 1 FROM {CAPS} WHERE day = %s AND kind = %s AND key = %s "  # noqa: S608
                "AND reserved + sent >= %s)"
            )
            params += [hold.day, kind, key, cap]
    return " AND ".join(parts) or "TRUE", params


def _suppressed(recipient: str, salt: str | None) -> tuple[str, list[Any]]:
    """``compliance.is_suppressed`` as a condition (the same iexact and hash matches)."""
    address = recipient.strip().lower()
    domain = address.rpartition("@")[2]
    sql = (
        f"SELECT 1 FROM {SUPPRESSIONS} WHERE UPPER(email) = UPPER(%s) OR UPPER(domain) = UPPER(%s)"  # noqa: S608
    )
    params: list[Any] = [address, domain]
    if salt is not None:
        sql += " OR email_hash = %s"
        params.append(hashing.digest(address, with_salt=salt))
    return sql, params


def claim_in_one(sender: Sender, email: OutboundEmail, now: datetime) -> tuple[Claim | None, bool]:
    """Claim ``email`` (read by the pass, not locked) for the sender's inbox: (the claim or
    None, whether the inbox could send at all: False when paused, in its gap, stopped, or its
    day is full)."""
    inbox = sender.inbox
    day = local_date(inbox, now)
    schedule = schedule_for(inbox)
    base = schedule[min(warmup_week(inbox, day), len(schedule)) - 1]
    if not email.recipient or inbox.warmup_start is None or base == 0:
        return None, False  # the first send of an inbox's warmup, or a day without sends
    hold, caps = domaincaps.hold_for(email, now)
    token, attempts, message_id = uuid.uuid4(), email.attempts + 1, email.message_id
    if attempts == 1 and email.step == 1 and message_id_domain(message_id) != inbox.domain:
        message_id = new_message_id(inbox.domain)
    health, health_params = _health(settings.JENGU)
    limit = f"GREATEST(1, floor(%s * {health}))::int"
    full, full_params = _not_full(hold, caps)
    banned, banned_params = _suppressed(email.recipient, sender.salt)
    ctes = [
        (
            f"box AS (SELECT b.id, {limit} AS lim FROM {INBOXES} b WHERE b.id = %s "  # noqa: S608
            "AND b.status = %s AND b.circuit = %s AND (b.next_send_at IS NULL OR "
            "b.next_send_at <= %s) AND b.warmup_start = %s AND b.warmup_schedule = %s AND "
            f"NOT EXISTS (SELECT 1 FROM {SWITCHES} WHERE name = %s AND active) AND NOT EXISTS "
            f"(SELECT 1 FROM {DAYS} d WHERE d.inbox_id = b.id AND d.date = %s AND "
            f"d.reserved + d.sent >= {limit}) FOR UPDATE)",  # a full day: the inbox refuses
            [
                base,
                *health_params,
                inbox.pk,
                Inbox.Status.ACTIVE,
                Inbox.Circuit.CLOSED,
                now,
                inbox.warmup_start,
                inbox.warmup_schedule,
                Switch.EMERGENCY_STOP,
                day,
                base,
                *health_params,
            ],
        ),
        (
            f"mail AS (SELECT e.id FROM {EMAILS} e WHERE e.id = %s AND e.status = %s "  # noqa: S608
            "AND e.attempts = %s AND e.send_after <= %s AND (e.inbox_id IS NULL OR "
            "e.inbox_id = %s) AND EXISTS (SELECT 1 FROM box) AND EXISTS (SELECT 1 FROM "
            f"{ENROLLMENTS} n WHERE n.id = e.enrollment_id AND n.status = %s AND "
            f"(n.inbox_id IS NULL OR n.inbox_id = %s)) AND NOT EXISTS ({banned}) AND {full} "
            "FOR UPDATE OF e SKIP LOCKED)",
            [
                email.pk,
                OutboundEmail.Status.QUEUED,
                email.attempts,
                now,
                inbox.pk,
                Enrollment.Status.ACTIVE,
                inbox.pk,
                *banned_params,
                *full_params,
            ],
        ),
    ]
    after = "mail"
    for kind, key in hold.counters():  # domain before provider: the lock order
        sql, params = _counter(kind, key, hold.day, caps.get(kind, 0), after)
        after = f"c_{kind}"
        ctes.append((f"{after} AS ({sql})", params))
    ctes.append(
        (
            f'warm AS (INSERT INTO {DAYS} (inbox_id, date, "limit", reserved, sent, bounced, '  # noqa: S608
            "complaints, sender_problems, failed) SELECT box.id, %s, box.lim, 1, 0, 0, 0, 0, 0 "
            f"FROM box, {after} ON CONFLICT (inbox_id, date) DO UPDATE SET "
            f'"limit" = EXCLUDED."limit", reserved = {DAYS}.reserved + 1 '
            f'WHERE {DAYS}.reserved + {DAYS}.sent < EXCLUDED."limit" RETURNING id)',
            [day],
        )
    )
    claim, claim_params = transitions.claim_sql(
        where="id IN (SELECT id FROM mail) AND EXISTS (SELECT 1 FROM warm)",
        where_params=[],
        now=now,
        claim_token=token,
        inbox_id=inbox.pk,
        lease_until=now + timedelta(seconds=settings.JENGU["SEND_LEASE_SECONDS"]),
        reserved_day=day,
        cap_day=hold.day,
        cap_provider=hold.provider,
        attempts=attempts,
        from_address=inbox.address,
        message_id=message_id,
    )
    ctes.append((f"took AS ({claim})", claim_params))
    ctes.append(
        (
            f"gap AS (UPDATE {INBOXES} SET next_send_at = %s WHERE id IN (SELECT id FROM box) "  # noqa: S608
            "AND EXISTS (SELECT 1 FROM took) RETURNING id)",
            [gap := now + policy.random_gap()],
        )
    )
    ctes.append(
        (
            f"sticky AS (UPDATE {ENROLLMENTS} SET inbox_id = %s WHERE id = %s AND "  # noqa: S608
            "inbox_id IS NULL AND EXISTS (SELECT 1 FROM took) RETURNING id)",
            [inbox.pk, email.enrollment_id],
        )
    )
    counters = " + ".join(f"(SELECT count(*) FROM c_{k})" for k, _ in hold.counters())  # noqa: S608
    # Every counter taken, or none: else divide by zero, which undoes the whole statement.
    head = "WITH " + ", ".join(sql for sql, _params in ctes)
    sql = (
        f"{head} SELECT (SELECT count(*) FROM took) "  # noqa: S608
        f"/ CASE WHEN {counters} = {len(hold.counters())} * (SELECT count(*) FROM warm) "
        "AND (SELECT count(*) FROM warm) = (SELECT count(*) FROM took) THEN 1 ELSE 0 END, "
        "(SELECT count(*) FROM gap) + (SELECT count(*) FROM sticky), (SELECT count(*) FROM box)"
    )
    params = [v for _sql, more in ctes for v in more]
    took, inbox_ok = _run(sql, params, email.pk)
    if not took:
        return None, inbox_ok
    inbox.next_send_at = gap
    email.claim_token, email.inbox = token, inbox
    email.attempts, email.message_id, email.reserved_day = attempts, message_id, day
    email.cap_day, email.cap_provider = hold.day, hold.provider
    email.from_address = inbox.address
    return Claim(email.pk, token, inbox.pk, day, hold, email), True


def _run(sql: str, params: list[Any], email_id: int) -> tuple[bool, bool]:
    try:
        # A savepoint only inside a caller's transaction (tests); else the statement is its own.
        outer = transaction.atomic() if connection.in_atomic_block else nullcontext()
        with outer, connection.cursor() as cursor:
            cursor.execute(sql, params)
            row = cursor.fetchone()
    except DatabaseError as exc:  # nothing was taken; claim_next comes next
        raced = getattr(exc.__cause__, "sqlstate", "") == "22012"  # a counter raced away
        (log.info if raced else log.warning)(
            "one-statement claim undone", extra={"email": email_id, "error": str(exc)}
        )
        return False, True
    return bool(row and row[0]), bool(row and row[2])
