"""Campaigns and their sequences (``campaigns``, ``campaign_sequences``), the "Legacy" campaign
for emails sent outside any sequence, and campaign membership (``campaign_leads``)."""

from __future__ import annotations

import math

from django.db import IntegrityError, transaction

from compliance.models import Suppression
from migration import values
from migration.readers import Record
from migration.state import Run
from migration.suppressing import suppress_legacy
from outreach.models import STRATEGIES, Campaign, Enrollment, SequenceStep
from prospects.models import Contact, Prospect

LEGACY = "Legacy"  # campaign holding the old emails that belong to no sequence; never sends
LEGACY_ID = "legacy"  # its legacy_id: found by it even if an operator renames it
STRATEGY_KEYS = {key for key, _label in STRATEGIES}
LEAD_STATUS = {
    "active": Enrollment.Status.ACTIVE,
    "paused": Enrollment.Status.PAUSED,
    "completed": Enrollment.Status.COMPLETED,
    "replied": Enrollment.Status.REPLIED,
    "bounced": Enrollment.Status.BOUNCED,
    "unsubscribed": Enrollment.Status.UNSUBSCRIBED,
}
OPTED_OUT = {
    Enrollment.Status.UNSUBSCRIBED: Suppression.Reason.UNSUBSCRIBE,
    Enrollment.Status.BOUNCED: Suppression.Reason.BOUNCE,
}


def is_legacy(campaign: Campaign) -> bool:
    return campaign.legacy_id == LEGACY_ID


def legacy_campaign() -> Campaign:
    found = Campaign.objects.filter(legacy_id=LEGACY_ID).first()
    if found:
        return found
    campaign, _created = Campaign.objects.get_or_create(
        name=LEGACY,
        defaults={
            "status": Campaign.Status.ARCHIVED,
            "legacy_id": LEGACY_ID,
            "description": "Emails the old system sent outside any sequence (kept so replies "
            "to them still match). It has no steps and never sends.",
        },
    )
    return campaign


def import_campaigns(run: Run) -> None:
    for record in run.export.rows("campaigns"):
        if not record.id:
            run.report.skip("campaigns", record.where, "no id")
            continue
        run.campaigns[record.id] = _campaign(run, record)
    steps: dict[str, list[Record]] = {}
    for record in run.export.rows("campaign_sequences"):
        steps.setdefault(values.text(record.data, "campaign_id"), []).append(record)
    for legacy_id, campaign in run.campaigns.items():
        _steps(run, campaign, steps.get(legacy_id, []))
    for legacy_id in set(steps) - set(run.campaigns):
        for record in steps[legacy_id]:
            run.report.skip("steps", record.where, "its campaign is not in the export")


def _campaign(run: Run, record: Record) -> Campaign:
    found = Campaign.objects.filter(legacy_id=record.id).first()
    if found:
        run.report.count("campaigns", "unchanged")
        return found
    name = (values.text(record.data, "name") or f"Campaign {record.id}")[:120]
    named = Campaign.objects.filter(name=name).first()
    if named and not named.legacy_id:
        Campaign.objects.filter(pk=named.pk).update(legacy_id=record.id[:64])
        run.report.count("campaigns", "matched")
        return named
    if named:
        name = f"{name[:110]} (legacy)"
    strategy = values.text(record.data, "strategy_key")
    active = values.text(record.data, "active") or "1"
    campaign = Campaign.objects.create(
        name=name,
        description=values.text(record.data, "description"),
        strategy=strategy if strategy in STRATEGY_KEYS else "cold_direct",
        status=Campaign.Status.ACTIVE
        if active.lower() in ("1", "true", "t")
        else Campaign.Status.PAUSED,
        legacy_id=record.id[:64],
    )
    run.report.count("campaigns", "created")
    return campaign


def _delay(run: Run, record: Record) -> int:
    days, hours = (
        values.integer(record.data, "delay_days"),
        values.integer(record.data, "delay_hours"),
    )
    if hours % 24:
        run.report.warn(
            f"{record.where}: a delay of {days} d {hours} h is rounded up to whole days "
            "(Jengu's steps count days), so no follow-up goes earlier than the old system's"
        )
    return max(0, days + math.ceil(hours / 24))


def _steps(run: Run, campaign: Campaign, records: list[Record]) -> None:
    if not records and not campaign.steps.exists():
        records = [Record("", "", 0, {"step_number": "1"})]  # a one-email strategy campaign
    for record in sorted(records, key=lambda r: values.integer(r.data, "step_number")):
        number = values.integer(record.data, "step_number")
        if number < 1:
            run.report.skip("steps", record.where, "step_number missing or below 1")
            continue
        delay = _delay(run, record) if record.file else 0
        step, created = SequenceStep.objects.get_or_create(
            campaign=campaign, number=number, defaults={"delay_days": delay}
        )
        run.report.count("steps", "created" if created else "unchanged")
        if not created and step.delay_days != delay and record.file:
            run.report.warn(
                f"{campaign.name} step {number}: Jengu's delay ({step.delay_days} d) is kept; "
                f"the export says {delay} d"
            )


# --- campaign_leads -----------------------------------------------------------------------
def contact_for(run: Run, legacy_prospect_id: str, prospect: Prospect) -> Contact | None:
    """The person the old system wrote to: its address for that prospect, else the prospect's
    first contact with an address."""
    address = run.prospect_emails.get(legacy_prospect_id, "")
    if address:
        found = Contact.objects.filter(email__iexact=address).first()
        if found:
            return found
    return prospect.contacts.exclude(email="").order_by("-is_primary", "pk").first()


def import_leads(run: Run) -> dict[int, Record]:
    """Enrollments for ``campaign_leads``; returns ``{enrollment id: its lead}`` so their state
    is settled once the emails are in."""
    leads: dict[int, Record] = {}
    for record in run.export.rows("campaign_leads"):
        enrollment = _lead(run, record)
        if enrollment is not None:
            leads[enrollment.pk] = record
            run.enrollments.add(enrollment.pk)
    return leads


def _lead(run: Run, record: Record) -> Enrollment | None:
    campaign = run.campaigns.get(values.text(record.data, "campaign_id"))
    prospect_id = values.text(record.data, "prospect_id")
    prospect = run.prospects.get(prospect_id)
    reason = (
        "its campaign is not in the export"
        if campaign is None
        else "its prospect is not in the export"
        if prospect is None
        else ""
    )
    contact = contact_for(run, prospect_id, prospect) if campaign and prospect else None
    if campaign is None or prospect is None or contact is None:
        run.report.skip("enrollments", record.where, reason or "the prospect has no address")
        return None
    status = LEAD_STATUS.get(values.text(record.data, "status").lower(), Enrollment.Status.ACTIVE)
    enrollment, created = enrollment_for(campaign, contact, status=status)
    if created:
        run.report.count("enrollments", "created")
        run.created_enrollments.add(enrollment.pk)
    if status in OPTED_OUT:  # the old system's opt-outs and bounces: never written to again
        detail = f"{status} in {campaign.name} in the old system"
        suppress_legacy(run, contact.email.lower(), OPTED_OUT[status], record, detail)
    return enrollment


def enrollment_for(campaign: Campaign, contact: Contact, *, status: str) -> tuple[Enrollment, bool]:
    """Idempotent, like ``outreach.services.enroll``, but with the old state as the start."""
    try:
        with transaction.atomic():
            return Enrollment.objects.get_or_create(
                campaign=campaign,
                contact=contact,
                defaults={"prospect": contact.prospect, "status": status},
            )
    except IntegrityError:
        return Enrollment.objects.get(campaign=campaign, contact=contact), False
