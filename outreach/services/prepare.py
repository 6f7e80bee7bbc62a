"""Enrolment and ledger rows: every email exists as a queued row before anything is sent."""

from __future__ import annotations

import logging
from dataclasses import asdict, replace
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, QuerySet

from compliance.services import is_suppressed
from inboxes.models import Inbox
from outreach.models import Campaign, Enrollment, OutboundEmail, SequenceStep
from outreach.services.messages import new_message_id, text_as_html
from outreach.services.suppression import stop_enrollments_for
from outreach.services.variants import fill, variant_assign, variant_for
from prospects.models import Contact
from prospects.services.sendable import sendable_verification

log = logging.getLogger(__name__)
AHEAD = timedelta(days=1)  # how far ahead a due step gets its ledger row (and its draft)


def enroll(*, contact: Contact, campaign: Campaign, now: datetime) -> tuple[Enrollment, bool]:
    """Idempotent: a contact is in a campaign at most once. A campaign with A/B variants
    gives a new enrollment its inbox and variant at once (``variants.variant_assign``)."""
    try:
        with transaction.atomic():
            enrollment, created = Enrollment.objects.get_or_create(
                campaign=campaign,
                contact=contact,
                defaults={"prospect": contact.prospect, "next_send_at": now},
            )
            if created:
                variant_assign(enrollment=enrollment)
            return enrollment, created
    except IntegrityError:
        return Enrollment.objects.get(campaign=campaign, contact=contact), False


def _thread(previous: OutboundEmail | None) -> tuple[str, str, str]:
    """(subject prefix source, In-Reply-To, References) for a follow-up."""
    if previous is None:
        return "", "", ""
    refs = f"{previous.references} {previous.message_id}".strip()
    return previous.subject, previous.message_id, refs


def _reply_subject(subject: str) -> str:
    return subject if subject.lower().startswith("re:") else f"Re: {subject}"


def _placeholder_domain(enrollment: Enrollment) -> str:
    if enrollment.inbox is not None:
        return enrollment.inbox.domain
    first = Inbox.objects.sendable().order_by("pk").first()
    return first.domain if first else "jengu.invalid"


def _draft(
    enrollment: Enrollment, step: SequenceStep, previous: OutboundEmail | None, strategy: str | None
):
    from aiengine.services.writing import draft_email
    from outreach.services.context import email_context

    strategy = strategy or step.strategy or enrollment.campaign.strategy
    context = email_context(enrollment)
    variant = variant_for(enrollment, step.number)
    draft = draft_email(
        context=context,
        strategy=strategy,
        step=step.number,
        previous_subject=previous.subject if previous else None,
        previous_body=previous.body_text if previous else None,
        instructions=variant.instructions if variant else "",
    )
    facts = asdict(context)
    if variant is not None and (variant.subject or variant.body):
        # The variant's own words replace the writer's (an HTML part follows the text).
        body = fill(variant.body, facts) if variant.body else draft.body
        draft = replace(
            draft,
            subject=fill(variant.subject, facts) if variant.subject else draft.subject,
            body=body,
            html=text_as_html(body) if variant.body else draft.html,
        )
    return strategy, draft, facts, variant


def _first_status(enrollment: Enrollment, number: int) -> str:
    """A campaign that reviews first emails holds them for an operator; follow-ups are not
    held: they answer a thread the operator already approved, on the same facts."""
    if number == 1 and enrollment.campaign.review_first_emails:
        return OutboundEmail.Status.AWAITING_APPROVAL
    return OutboundEmail.Status.QUEUED


def email_prepare(
    *, enrollment: Enrollment, now: datetime, strategy: str | None = None
) -> OutboundEmail | None:
    """The ledger row for the enrollment's next step, created once; None when nothing is due."""
    number = enrollment.current_step + 1
    existing = OutboundEmail.objects.filter(enrollment=enrollment, step=number).first()
    if existing or enrollment.status != Enrollment.Status.ACTIVE:
        return existing
    step = enrollment.campaign.steps.filter(number=number).first()
    if step is None:
        Enrollment.objects.filter(pk=enrollment.pk).update(status=Enrollment.Status.COMPLETED)
        return None
    contact = enrollment.contact
    if not contact.email or not sendable_verification(contact):
        return None
    if is_suppressed(contact.email):
        stop_enrollments_for(email=contact.email, status=Enrollment.Status.UNSUBSCRIBED)
        return None
    previous = OutboundEmail.objects.filter(enrollment=enrollment, step=number - 1).first()
    if number > 1 and (previous is None or previous.sent_at is None):
        return None  # the previous step has not gone out (yet): never send step N+1 first
    subject_base, in_reply_to, references = _thread(previous)
    strategy, draft, facts, variant = _draft(enrollment, step, previous, strategy)
    subject = _reply_subject(subject_base) if previous else draft.subject
    if variant is not None and variant.subject:
        subject = draft.subject  # a follow-up variant with its own subject line
    earliest = now
    if previous is not None and previous.sent_at is not None:
        earliest = previous.sent_at + timedelta(days=step.delay_days)
    try:
        with transaction.atomic():
            return OutboundEmail.objects.create(
                enrollment=enrollment,
                step=number,
                prospect=enrollment.prospect,
                contact=contact,
                inbox=enrollment.inbox,
                recipient=contact.email,
                subject=subject,
                body_text=draft.body,
                body_html=(draft.html or text_as_html(draft.body)) if step.html else "",
                message_id=new_message_id(_placeholder_domain(enrollment)),
                in_reply_to=in_reply_to,
                references=references,
                status=_first_status(enrollment, number),
                send_after=max(earliest, enrollment.next_send_at or now),
                strategy=strategy if number == 1 else "follow_up",
                variant=enrollment.variant,
                ai_provider=draft.provider,
                ai_model=draft.model,
                prompt_version=draft.prompt_version,
                offline=draft.provider == "offline",
                writer_facts=facts,
            )
    except IntegrityError:
        return OutboundEmail.objects.get(enrollment=enrollment, step=number)


def due_without_email(now: datetime) -> QuerySet[Enrollment]:
    """Active enrollments due within ``AHEAD`` whose next step has no ledger row yet.

    The send pass prepares these and the draft-ahead task writes them before the send window;
    the partial index ``enrollment_due`` serves the query.
    """
    has_next = OutboundEmail.objects.filter(
        enrollment=OuterRef("pk"), step=F("enrollment__current_step") + 1
    )
    return (
        Enrollment.objects.filter(status=Enrollment.Status.ACTIVE, next_send_at__lte=now + AHEAD)
        .exclude(Exists(has_next))
        .order_by("next_send_at", "pk")
    )


def prepare_due(*, now: datetime, limit: int = 200) -> int:
    """Create the ledger rows of enrollments whose next step is due (within a day ahead).

    An enrollment that cannot be prepared now (contact not sendable, previous step not settled)
    is looked at again a day later, so it never crowds out the ones behind it.
    """
    horizon = now + AHEAD
    due = due_without_email(now).select_related("campaign", "contact", "prospect", "inbox")
    made = 0
    for enrollment in due[:limit]:
        if email_prepare(enrollment=enrollment, now=now):
            made += 1
        else:
            Enrollment.objects.filter(
                pk=enrollment.pk, status=Enrollment.Status.ACTIVE, next_send_at__lte=horizon
            ).update(next_send_at=now + timedelta(days=1))
    return made
