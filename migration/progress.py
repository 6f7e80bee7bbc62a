"""Where each imported enrollment stands once the old emails are in the ledger: the step
reached, its status, its sticky inbox and when the next step is due, so follow-ups continue
instead of restarting. Then the people the old system is still following up are taken out of
any sequence Jengu started for them meanwhile (nobody gets two sequences across the switch).

Rules: a stop is final (replied, bounced, unsubscribed, completed, stopped: in Jengu or in the
export); an operator's pause in Jengu is kept; a suppressed address stops the enrollment. The
step reached is the highest of Jengu's, the lead's ``current_step`` and the last sent email's;
when the lead is past the last email the export holds, the follow-up could not thread, so the
enrollment is paused with a reason (importing an export that has the email resumes it).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Exists, OuterRef, QuerySet

from compliance.models import Suppression
from compliance.services import is_suppressed
from migration import values
from migration.campaigns import LEAD_STATUS, LEGACY_ID
from migration.emails import WENT_OUT
from migration.mailboxes import inbox_for, mailbox_address
from migration.readers import Record
from migration.state import Run
from outreach import transitions
from outreach.models import Enrollment, OutboundEmail
from prospects.models import Contact
from prospects.services import contact_vouch, prospect_mark_contacted

MISSING = "legacy: the email of step"
RUNNING = (Enrollment.Status.ACTIVE, Enrollment.Status.PAUSED)
REPLIED = Enrollment.Status.REPLIED
UNSENT = transitions.UNSENT


def settle_enrollments(run: Run, leads: dict[int, Record]) -> None:
    rows = Enrollment.objects.filter(pk__in=run.enrollments).select_related("campaign", "contact")
    for enrollment in rows.order_by("pk"):
        last = (
            OutboundEmail.objects.filter(
                enrollment=enrollment,
                status__in=[OutboundEmail.Status.SENT, OutboundEmail.Status.BOUNCED],
                sent_at__isnull=False,
            )
            .order_by("-step")
            .first()
        )
        changed = _settle(run, enrollment, leads.get(enrollment.pk), last)
        if enrollment.pk not in run.created_enrollments:
            run.report.count("enrollments", "updated" if changed else "unchanged")
        if last is not None:
            _contacted(enrollment.prospect_id, enrollment.contact, last)


def _settle(
    run: Run, enrollment: Enrollment, lead: Record | None, last: OutboundEmail | None
) -> bool:
    lead_step = values.integer(lead.data, "current_step") if lead else 0
    current = max(enrollment.current_step, last.step if last else 0, lead_step)
    status, reason = _status(enrollment, lead)
    next_at = enrollment.next_send_at
    if status in RUNNING and (status == Enrollment.Status.ACTIVE or reason.startswith(MISSING)):
        status, reason, next_at = _next(run, enrollment, lead, last, current)
    update = {
        "current_step": current,
        "status": status,
        "stopped_reason": reason[:200],
        "next_send_at": next_at,
        "inbox_id": _inbox_id(run, enrollment, lead, last),
    }
    changed = any(getattr(enrollment, name) != value for name, value in update.items())
    if changed:
        Enrollment.objects.filter(pk=enrollment.pk).update(**update)
    if update["inbox_id"] != enrollment.inbox_id:  # the queued follow-ups move with the thread
        unsent = enrollment.emails.filter(status__in=UNSENT)
        unsent.update(inbox_id=update["inbox_id"])
    _cancel_done_steps(run, enrollment, current)
    return changed


def _cancel_done_steps(run: Run, enrollment: Enrollment, current: int) -> None:
    """Jengu's unsent rows for steps the old system says it did (its email may be missing)."""
    stale = enrollment.emails.filter(step__lte=current, status__in=UNSENT, legacy=False)
    for email in stale:
        reason = f"legacy: the old system is past step {email.step}"
        if transitions.cancel_unsent(OutboundEmail.objects.filter(pk=email.pk), error=reason):
            run.report.conflict(
                f"{enrollment.contact.email}: Jengu's {email.status} step {email.step} in "
                f"{enrollment.campaign.name} cancelled: the old system is at step {current}"
            )


def _status(enrollment: Enrollment, lead: Record | None) -> tuple[str, str]:
    if enrollment.status not in RUNNING:
        return enrollment.status, enrollment.stopped_reason
    wanted = (
        LEAD_STATUS.get(values.text(lead.data, "status").lower(), enrollment.status)
        if lead
        else enrollment.status
    )
    if wanted not in RUNNING:
        return wanted, f"legacy: {wanted} in the old system"
    suppression = is_suppressed(enrollment.contact.email)
    if suppression is not None:
        stop = (
            Enrollment.Status.BOUNCED
            if suppression.reason == Suppression.Reason.BOUNCE
            else Enrollment.Status.UNSUBSCRIBED
        )
        return stop, "suppressed"
    if enrollment.status == Enrollment.Status.PAUSED and not enrollment.stopped_reason.startswith(
        MISSING
    ):
        return Enrollment.Status.PAUSED, enrollment.stopped_reason  # the operator's pause
    return wanted, "" if wanted == Enrollment.Status.ACTIVE else enrollment.stopped_reason


def _next(
    run: Run,
    enrollment: Enrollment,
    lead: Record | None,
    last: OutboundEmail | None,
    current: int,
) -> tuple[str, str, datetime | None]:
    step = enrollment.campaign.steps.filter(number=current + 1).first()
    if step is None:
        return Enrollment.Status.COMPLETED, "", None
    if current > (last.step if last else 0):
        reason = f"{MISSING} {current} is not in the export; follow-ups cannot thread to it"
        run.report.warn(f"{enrollment.contact.email} in {enrollment.campaign.name}: {reason}")
        return Enrollment.Status.PAUSED, reason, None
    due = last.sent_at + timedelta(days=step.delay_days) if last and last.sent_at else run.now
    planned = values.when(values.text(lead.data, "next_email_at")) if lead else None
    return Enrollment.Status.ACTIVE, "", max(due, planned) if planned else due


def _inbox_id(
    run: Run, enrollment: Enrollment, lead: Record | None, last: OutboundEmail | None
) -> int | None:
    """The thread's sender: the inbox sending as the last email's address (an active one when
    the operator configured one since), else the lead's mailbox."""
    address = last.from_address if last is not None else ""
    if not address and lead is not None:
        address = mailbox_address(run, values.text(lead.data, "mailbox_id"))
    inbox = inbox_for(run, address) if address else None
    if inbox is not None:
        return inbox.pk
    return last.inbox_id if last is not None and last.inbox_id else enrollment.inbox_id


def _contacted(prospect_id: int, contact: Contact, last: OutboundEmail) -> None:
    assert last.sent_at is not None, "the thread's last email went out"
    prospect_mark_contacted(prospect_id=prospect_id, at=last.sent_at)
    if last.status == OutboundEmail.Status.SENT and last.legacy:
        _trust_delivery(contact, last)


def _trust_delivery(contact: Contact, last: OutboundEmail) -> None:
    """An address the old system delivered to without a bounce is deliverable: without this,
    ``SEND_UNVERIFIED=false`` would hold every follow-up of a running sequence."""
    if contact.verification != Contact.Verification.UNKNOWN:
        return
    evidence = dict(contact.verification_evidence)
    evidence["legacy"] = {**evidence.get("legacy", {}), "delivered": last.message_id}
    contact_vouch(
        contact_id=contact.pk,
        evidence=evidence | {"decided_by": "legacy delivery"},
        at=last.sent_at,
        unless="decided",
    )


# --- two sequences for one person --------------------------------------------------------
def stop_parallel_sequences(run: Run) -> None:
    """Jengu's own running sequences (campaigns not from the old system) stop for someone the
    old system still follows up, who replied to it, or whom it wrote to after Jengu enrolled
    them: a person is in one sequence at a time, a reply ends cold mail, and two openers in one
    week is the double contact the parallel run must not cause."""
    jengus = Enrollment.objects.filter(status__in=RUNNING, campaign__legacy_id="")
    for other in jengus.filter(Exists(_old_sequences(OuterRef("contact")))).select_related(
        "campaign", "contact"
    ):
        first = _old_sequences(other.contact_id).select_related("campaign").order_by("pk").first()
        if first is not None:
            replied = first.status == REPLIED
            why = f"{'replied to' if replied else 'is followed up in'} {first.campaign.name}"
            _stop_other(run, other, why, force=replied)
    later = OutboundEmail.objects.filter(
        legacy=True, contact=OuterRef("contact"), sent_at__gte=OuterRef("created_at")
    )
    for other in jengus.filter(Exists(later)).select_related("campaign", "contact"):
        _stop_other(run, other, "was written to after Jengu enrolled them", force=False)


def _old_sequences(contact: Contact | OuterRef | int) -> QuerySet[Enrollment]:
    """The old system's sequences (not "Legacy") that still run for a contact, or got a reply."""
    rows = Enrollment.objects.filter(contact=contact, status__in=[*RUNNING, REPLIED])
    return rows.exclude(campaign__legacy_id__in=["", LEGACY_ID])


def _stop_other(run: Run, other: Enrollment, why: str, *, force: bool) -> None:
    who = other.contact.email
    if not force and other.emails.filter(status__in=WENT_OUT).exists():
        run.report.warn(
            f"{who} {why} in the old system, and Jengu already sent from "
            f"{other.campaign.name}: stop one of the two sequences in the admin"
        )
        return
    reason = f"legacy: {why} in the old system"
    if not Enrollment.objects.filter(pk=other.pk, status__in=RUNNING).update(
        status=Enrollment.Status.STOPPED, stopped_reason=reason[:200]
    ):
        return  # stopped already (by the rule above, in this run)
    cancelled = transitions.cancel_unsent(other.emails.all(), error=reason)
    run.report.conflict(
        f"{who}: Jengu's enrollment in {other.campaign.name} stopped ({cancelled} unsent "
        f"email(s) cancelled): {why} in the old system"
    )
