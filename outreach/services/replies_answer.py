"""The operator's answer to a reply: an outbound ledger row like any other, sent at once.

The answer is a row of the same ledger (``strategy = "answer"``, step ``ANSWER_STEP`` and up so
it never takes a sequence step's number), created ``queued`` with its Message-ID, from the inbox
the prospect wrote to, threaded on the reply (``In-Reply-To`` = the reply's Message-ID,
``References`` = the reply's chain plus it, ``Re:``). A task enqueued on commit claims it right
away: a person who just wrote is not held back by the send window or the inbox's random gap.
The claim is the ledger's (one short transaction: inbox row lock, suppression, emergency stop,
the warmup slot reserved with it), the send is ``send_claimed`` and the settle is the ledger's,
so the answer goes out once and counts toward the inbox's warmup. An answer that cannot go now
(the day's warmup is used up, the inbox is paused) stays queued; every send pass tries again.
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from compliance.services import is_suppressed
from core.errors import Conflict, Unprocessable
from core.services import audit_record, emergency_stop_active
from core.tasking import enqueue
from inboxes import services as inboxes
from inboxes.models import Inbox
from outreach import transitions
from outreach.models import Enrollment, OutboundEmail, Reply
from outreach.services import policy
from outreach.services.ledger import Claim
from outreach.services.messages import LINE_BREAKS, HeaderInjection, new_message_id
from outreach.services.replies import reply_get, reply_mark_read
from outreach.services.sendpass import send_claimed
from outreach.services.settle import ANSWER
from outreach.services.shadow import sending_transport

if TYPE_CHECKING:
    from aiengine.writer import Draft

log = logging.getLogger(__name__)
ANSWER_STEP = 100  # answers are steps 101, 102, ...: far above any sequence's steps
SEND_TASK = "outreach.tasks.send_answer"


def answer_subject(subject: str) -> str:
    subject = subject.strip()
    return subject if subject.lower().startswith("re:") else f"Re: {subject}".strip()


def _references(reply: Reply) -> str:
    """The prospect's chain (their References, else ours) with their own Message-ID last."""
    chain = (reply.headers or {}).get("References", "").split()
    if not chain and reply.matched_outbound is not None:
        ours = reply.matched_outbound
        chain = f"{ours.references} {ours.message_id}".split()
    ids = [mid for mid in chain if mid != reply.message_id] + [reply.message_id]
    return " ".join(dict.fromkeys(ids))  # de-duplicated, in order


def _recipient(reply: Reply) -> str:
    return reply.from_address.strip().lower()


def _sender(reply: Reply) -> Inbox:
    inbox = reply.inbox or (reply.matched_outbound.inbox if reply.matched_outbound else None)
    if inbox is None:
        raise Unprocessable("the reply came to no inbox of ours", code="no_inbox")
    return inbox


def reply_answer(
    *, reply_id: int, body: str, subject: str = "", actor: Any = None, now: datetime | None = None
) -> OutboundEmail:
    """Queue the operator's answer (202 in the API) and send it once the transaction commits."""
    reply = reply_get(reply_id)
    now = now or timezone.now()
    if not body.strip():
        raise Unprocessable("the answer is empty", code="empty_answer")
    if any(ch in LINE_BREAKS for ch in subject):
        raise HeaderInjection("line break in the Subject header is not allowed")
    ours = reply.matched_outbound
    if ours is None:
        raise Unprocessable("the reply is not in a thread of ours", code="no_thread")
    recipient, inbox = _recipient(reply), _sender(reply)
    if not recipient:
        raise Unprocessable("the reply has no sender address", code="no_recipient")
    if is_suppressed(recipient):
        raise Conflict(f"{recipient} is suppressed", code="suppressed")
    email = _create(reply, ours, inbox, recipient, subject, body, now)
    reply_mark_read(reply_id=reply.pk, now=now)
    audit_record(action="reply_answered", actor=actor, obj=email, detail={"reply": reply.pk})
    enqueue(SEND_TASK, email.pk)
    return email


def _create(
    reply: Reply,
    ours: OutboundEmail,
    inbox: Inbox,
    recipient: str,
    subject: str,
    body: str,
    now: datetime,
) -> OutboundEmail:
    for _attempt in range(3):  # two answers at once: the unique (enrollment, step) decides
        last = ours.enrollment.emails.aggregate(m=Max("step"))["m"] or 0
        try:
            with transaction.atomic():
                return OutboundEmail.objects.create(
                    enrollment_id=ours.enrollment_id,
                    step=max(last, ANSWER_STEP) + 1,
                    prospect_id=ours.prospect_id,
                    contact_id=reply.contact_id or ours.contact_id,
                    inbox=inbox,
                    recipient=recipient,
                    from_address=inbox.address,
                    subject=answer_subject(subject or reply.subject)[:300],
                    body_text=body.strip() + "\n",
                    message_id=new_message_id(inbox.domain),
                    in_reply_to=reply.message_id,
                    references=_references(reply),
                    status=OutboundEmail.Status.QUEUED,
                    send_after=now,
                    strategy=ANSWER,
                )
        except IntegrityError:
            continue
    raise Conflict("another answer was being queued at the same time; try again", code="busy")


def _claim(email_id: int, now: datetime) -> Claim | str:
    """Claim this answer with its warmup slot (the ledger's lock order: inbox, email, day)."""
    with transaction.atomic():
        email = OutboundEmail.objects.filter(pk=email_id).only("inbox_id").first()
        if email is None or email.inbox_id is None:
            return "gone"
        if emergency_stop_active():
            return "emergency stop"
        inbox = Inbox.objects.select_for_update().get(pk=email.inbox_id)
        if inbox.status != Inbox.Status.ACTIVE or not inboxes.circuit_allows(inbox, now):
            return f"inbox {inbox.status}"
        email = OutboundEmail.objects.select_for_update().get(pk=email_id)
        if email.status != OutboundEmail.Status.QUEUED:
            return f"already {email.status}"  # another worker has it: exactly once
        if is_suppressed(email.recipient):
            transitions.cancel(OutboundEmail.objects.filter(pk=email.pk), error="suppressed")
            return "suppressed"
        day = inboxes.warmup_reserve(inbox=inbox, now=now)
        if day is None:
            return "warmup limit reached"
        token = uuid.uuid4()
        transitions.claim(
            email.pk,
            token=token,
            inbox_id=inbox.pk,
            lease_until=now + timedelta(seconds=settings.JENGU["SEND_LEASE_SECONDS"]),
            reserved_day=day,
            attempts=email.attempts + 1,
            from_address=inbox.address,
            message_id=email.message_id,
            now=now,
        )
        Inbox.objects.filter(pk=inbox.pk).update(next_send_at=now + policy.random_gap())
        return Claim(email.pk, token, inbox.pk, day)


def answer_send(*, email_id: int, now: datetime | None = None) -> str:
    """Claim, send and settle one answer; what happened ("sent", "retry", or why not)."""
    now = now or timezone.now()
    claim = _claim(email_id, now)
    if isinstance(claim, str):
        log.info("answer not sent", extra={"email": email_id, "reason": claim})
        return claim
    transport = sending_transport(Inbox.objects.get(pk=claim.inbox_id))
    try:
        return send_claimed(claim, transport, now)
    finally:
        transport.close()


def answers_send_due(*, now: datetime, limit: int = 50) -> dict[str, int]:
    """Answers still queued (their task found no room, or a retry is due): try each once."""
    ids = list(
        OutboundEmail.objects.filter(
            strategy=ANSWER, status=OutboundEmail.Status.QUEUED, send_after__lte=now
        )
        .exclude(enrollment__status=Enrollment.Status.ACTIVE)  # the send pass takes those
        .order_by("send_after", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    outcomes: dict[str, int] = {}
    for email_id in ids:
        outcome = answer_send(email_id=email_id, now=now)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return outcomes


def reply_answers(reply: Reply) -> list[OutboundEmail]:
    return list(OutboundEmail.objects.filter(in_reply_to=reply.message_id, strategy=ANSWER))


def reply_suggest_answer(*, reply_id: int) -> Draft:
    """A draft to start from: the LLM writer when configured, the offline templates otherwise."""
    from aiengine.services.answering import suggest_answer
    from aiengine.writer import EmailContext
    from outreach.services.context import email_context

    reply = reply_get(reply_id)
    ours = reply.matched_outbound
    if ours is not None:
        context = email_context(ours.enrollment)
    else:
        context = EmailContext(prospect_name=reply.prospect.name if reply.prospect else "")
    return suggest_answer(
        context=context,
        intent=reply.intent,
        reply_subject=reply.subject,
        reply_body=reply.body_text,
    )
