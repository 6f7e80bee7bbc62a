"""Settling a claimed email with what the server said. Only the claim's holder may settle."""

from __future__ import annotations

import dataclasses
import logging
import uuid
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from compliance.models import Suppression
from core.models import DeadLetter
from core.services import deadletter_create
from inboxes import services as inboxes
from inboxes.bounces import (
    SOFT_BOUNCE_DAYS,
    Consequence,
    Reason,
    Verdict,
    soft_bounce_escalates,
)
from inboxes.clients.base import SendResult
from inboxes.models import Inbox
from outreach import transitions
from outreach.models import Enrollment, OutboundEmail
from outreach.services import policy
from outreach.services.domaincaps import caps_consume, caps_release, held
from outreach.services.shadow import SHADOW, settle_shadow
from outreach.services.suppression import suppress
from prospects.services import (
    contact_mark_invalid,
    contact_record_soft_bounce,
    prospect_mark_contacted,
)

log = logging.getLogger(__name__)
ANSWER = "answer"  # OutboundEmail.strategy of an operator's answer to a reply (replies_answer)


def _mine(email_id: int, token: uuid.UUID):
    return OutboundEmail.objects.select_for_update().filter(
        Q(status=OutboundEmail.Status.SENDING) | Q(status=OutboundEmail.Status.UNKNOWN),
        pk=email_id,
        claim_token=token,
    )


def _inbox(email: OutboundEmail) -> int:
    assert email.inbox_id is not None, "a claimed email always has its inbox"
    return email.inbox_id


def _token(email: OutboundEmail) -> uuid.UUID:
    assert email.claim_token is not None, "only a claimed email is settled"
    return email.claim_token


def _day(email: OutboundEmail) -> date:
    assert email.reserved_day is not None, "a claimed email always holds a warmup slot"
    return email.reserved_day


def mark_sent(
    email: OutboundEmail,
    *,
    now: datetime,
    provider_id: str = "",
    token: uuid.UUID | None = None,
    raw: str = "",
) -> bool:
    """Record a delivery: ledger row, warmup slot, enrollment progress, prospect stage.
    With ``token``: settled by the claim's holder; without: an unknown email assumed delivered.
    ``raw``: the stored message's file name, recorded with the status.
    False (nothing recorded) when the row was no longer in a state to become sent."""
    if token is not None:
        applied = transitions.mark_sent(
            email.pk, token=token, now=now, provider_id=provider_id, raw=raw
        )
    else:
        applied = transitions.assume_delivered(email.pk, now=now, provider_id=provider_id)
    if not applied:
        return False
    caps_consume(hold=held(email))  # before InboxDay: the claim's lock order
    if email.inbox_id and email.reserved_day:
        inboxes.warmup_consume(inbox_id=_inbox(email), day=_day(email))
    if email.strategy != ANSWER:  # an operator's answer is no step of the sequence
        _advance(email, now)
    prospect_mark_contacted(prospect_id=email.prospect_id, at=now)
    return True


def _advance(email: OutboundEmail, now: datetime) -> None:
    enrollment = email.enrollment
    nxt = enrollment.campaign.steps.filter(number=email.step + 1).first()
    Enrollment.objects.filter(pk=enrollment.pk, current_step__lt=email.step).update(
        current_step=email.step,
        next_send_at=now + timedelta(days=nxt.delay_days) if nxt else None,
        status=Enrollment.Status.ACTIVE if nxt else Enrollment.Status.COMPLETED,
    )


def settle(
    *, email_id: int, token: uuid.UUID, result: SendResult, now: datetime, raw: str = ""
) -> str:
    """Apply one send result. Returns what happened ("sent", "bounced", "retry", ...).
    ``raw``: the file name of the message as stored, recorded when it was accepted."""
    after_commit: list = []
    with transaction.atomic():
        email = _mine(email_id, token).select_related("enrollment__campaign").first()
        if email is None:
            log.warning("settle refused: claim lost", extra={"email": email_id})
            return "lost"
        outcome = _apply(email, result, now, after_commit, raw)
    for fn in after_commit:
        fn()
    return outcome


def _apply(
    email: OutboundEmail, result: SendResult, now: datetime, later: list, raw: str = ""
) -> str:
    if result.accepted:
        mark_sent(
            email, now=now, provider_id=result.provider_message_id, token=_token(email), raw=raw
        )
        # After commit: the claim locks Inbox then InboxDay; touching Inbox here, after the
        # InboxDay update, would take them in the other order and deadlock concurrent passes.
        later.append(lambda: inboxes.record_success(inbox_id=_inbox(email), now=now))
        return "sent"
    if result.outcome == SHADOW:
        return settle_shadow(email, now)
    if result.outcome == "auth":
        return _auth_failed(email, result, now, later)
    if result.outcome == "invalid":  # our content, not the server: no retry, no inbox blame
        caps_release(hold=held(email))
        inboxes.warmup_release(inbox_id=_inbox(email), day=_day(email))
        return _give_up(email, result.message)
    verdict = result.verdict
    if result.outcome == "unavailable" or verdict is None:
        later.append(
            lambda: inboxes.record_failure(inbox_id=_inbox(email), now=now, error=result.message)
        )
        return _retry(email, now, result.message, release=True)
    if verdict.counts_as_soft_bounce and record_soft_bounce(contact_id=email.contact_id, now=now):
        verdict = dataclasses.replace(verdict, consequence=Consequence.ADDRESS_BAD)
    if verdict.consequence == Consequence.ADDRESS_BAD:
        return _hard_bounce(email, verdict, now, later)
    if verdict.consequence == Consequence.SENDER_PROBLEM:
        caps_consume(hold=held(email))  # the domain's server saw it: today's slot is spent
        inboxes.warmup_consume(inbox_id=_inbox(email), day=_day(email), bounced=True)
        later.append(
            lambda: inboxes.record_bounce(
                inbox_id=_inbox(email),
                now=now,
                sender_problem=True,
                counted=True,
                cause=verdict.cause,
            )
        )
        return _retry(email, now, _describe(result), release=False, wait=policy.SENDER_PROBLEM_WAIT)
    if verdict.reason == Reason.RATE_LIMITED or result.code == 421:
        later.append(
            lambda: inboxes.record_failure(inbox_id=_inbox(email), now=now, error=result.message)
        )
    wait = timedelta(seconds=result.retry_after) if result.retry_after else None
    return _retry(email, now, _describe(result), release=True, wait=wait)


def _describe(result: SendResult) -> str:
    reason = result.verdict.reason if result.verdict else ""
    return f"{result.code or ''} {result.message} [{reason}]".strip()


def _retry(
    email: OutboundEmail, now: datetime, error: str, *, release: bool, wait: timedelta | None = None
) -> str:
    if release:
        caps_release(hold=held(email))
    if release and email.reserved_day:
        inboxes.warmup_release(inbox_id=_inbox(email), day=_day(email))
    if email.attempts >= settings.JENGU["SEND_MAX_ATTEMPTS"]:
        return _give_up(email, error)
    transitions.requeue(
        email.pk,
        token=_token(email),
        error=error[:2000],
        send_after=now + (wait or policy.retry_backoff(email.attempts)),
    )
    return "retry"


def _give_up(email: OutboundEmail, error: str) -> str:
    transitions.mark_failed(email.pk, token=_token(email), error=error[:2000])
    deadletter_create(
        kind=DeadLetter.Kind.SEND,
        error=error,
        attempts=email.attempts,
        payload={"email": email.pk, "recipient": email.recipient},
        obj=email,
    )
    return "failed"


def _hard_bounce(email: OutboundEmail, verdict: Verdict, now: datetime, later: list) -> str:
    transitions.mark_bounced(
        email.pk,
        token=_token(email),
        reason=str(verdict.reason),
        error=f"{verdict.status or ''} {verdict.diagnostic}".strip()[:2000],
    )
    caps_consume(hold=held(email))
    inboxes.warmup_consume(inbox_id=_inbox(email), day=_day(email), bounced=True)
    contact_mark_invalid(contact_id=email.contact_id)
    suppress(
        email=email.recipient,
        reason=Suppression.Reason.BOUNCE,
        source="send-time rejection",
        detail=f"{verdict.reason}: {verdict.diagnostic}",
    )
    Enrollment.objects.filter(pk=email.enrollment_id).update(
        status=Enrollment.Status.BOUNCED, stopped_reason=str(verdict.reason)
    )
    later.append(lambda: inboxes.record_bounce(inbox_id=_inbox(email), now=now, counted=True))
    return "bounced"


def record_soft_bounce(*, contact_id: int, now: datetime) -> bool:
    """Record a soft bounce on the contact; True once the address counts as bad."""
    window = timedelta(days=SOFT_BOUNCE_DAYS)
    times = contact_record_soft_bounce(contact_id=contact_id, now=now, window=window)
    return soft_bounce_escalates(times, now=now)


def _auth_failed(email: OutboundEmail, result: SendResult, now: datetime, later: list) -> str:
    # Not the email's fault: give back the attempt and the slot, pause the inbox for a human.
    caps_release(hold=held(email))
    inboxes.warmup_release(inbox_id=_inbox(email), day=_day(email))
    transitions.requeue(
        email.pk,
        token=_token(email),
        error=f"authentication failed: {result.message}",
        attempts=max(0, email.attempts - 1),
    )
    inbox = Inbox.objects.get(pk=_inbox(email))
    later.append(lambda: inboxes.record_failure(inbox_id=inbox.pk, now=now, error=result.message))
    later.append(
        lambda: inboxes.inbox_pause(
            inbox=inbox,
            automatic=True,
            reason=f"Authentication failed ({result.code or 'no code'}): check the password",
        )
    )
    return "auth_failed"
