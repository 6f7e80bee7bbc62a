"""The old system's sent emails as ledger rows (``legacy=True``, status sent or bounced) with
their original Message-IDs, so replies to them match and follow-ups thread to them.

Each email needs an enrollment: a campaign's emails go to the recipient's enrollment in that
campaign (made ``completed`` when ``campaign_leads`` has no row for it: the old system was not
following up); anything else (no campaign, auto-replies, mystery-shopper mails) goes to the
recipient's enrollment in the "Legacy" campaign. The step of a D1 email is not stored: it is
counted in send order after the steps already in the ledger, ending at the lead's
``current_step`` (older emails may have been purged by the old system).

A step already taken in the ledger is a conflict. Jengu's own row that never went out (queued,
shadow, draft, cancelled, failed) is cancelled: the row takes the old email's contents, so the
old Message-ID is kept and the person is not written to twice. A step taken by a row that did
go out, or by another old email, keeps it; the old email then joins the Legacy enrollment.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import Max

from inboxes.models import Inbox
from migration import values
from migration.campaigns import LEGACY, enrollment_for, is_legacy, legacy_campaign
from migration.mailboxes import inbox_for
from migration.people import ensure_contacts
from migration.readers import Record
from migration.state import Run
from outreach import transitions
from outreach.models import Campaign, Enrollment, OutboundEmail
from prospects.models import Contact, Prospect

SENT = frozenset({"sent", "delivered", "opened", "clicked", "replied", "bounced"})
NOT_A_STEP = frozenset({"auto_reply", "reply", "mystery_shopper", "manual"})
WENT_OUT = transitions.WENT_OUT


@dataclass
class Mail:
    record: Record
    contact: Contact
    sent_at: datetime
    message_id: str
    campaign: Campaign | None  # None: the Legacy campaign
    step: int = 0  # from the export (Supabase sequence_number); 0 = to be counted


def outbound(record: Record) -> bool:
    return values.text(record.data, "direction").lower() in ("", "outbound")


def message_id_of(record: Record, sender: str) -> str:
    """The original Message-ID; one made from the old row id when it had none, stable across
    imports."""
    found = values.message_id(values.text(record.data, "message_id"))
    if found:
        return found[:255]
    seed = record.id or "|".join(sorted(record.data.values()))
    digest = hashlib.sha256(seed.encode()).hexdigest()[:24]
    domain = sender.rpartition("@")[2] or "legacy.invalid"
    return f"<legacy-{digest}@{domain}>"


def import_sent(run: Run, leads: dict[int, Record]) -> None:
    mails = _unique(run, _collect(run))
    lead_steps = {pk: values.integer(r.data, "current_step") for pk, r in leads.items()}
    groups: dict[tuple[int, int], list[Mail]] = {}
    for mail in mails:
        campaign = mail.campaign or legacy_campaign()
        groups.setdefault((campaign.pk, mail.contact.pk), []).append(mail)
    for items in groups.values():
        items.sort(key=lambda m: (m.sent_at, m.message_id))
        _group(run, items, lead_steps)


def _unique(run: Run, mails: list[Mail]) -> list[Mail]:
    """One per Message-ID (D1 and Supabase may both hold an email): the one in a campaign."""
    chosen: dict[str, Mail] = {}
    for mail in sorted(mails, key=lambda m: m.campaign is None):
        if mail.message_id in chosen:
            run.report.count("sent_emails", "duplicate")
        else:
            chosen[mail.message_id] = mail
    return list(chosen.values())


def _collect(run: Run) -> list[Mail]:
    candidates: list[tuple[Record, str, Prospect | None]] = []
    for record in run.export.rows("emails"):
        if not outbound(record):
            continue
        status = values.text(record.data, "status").lower() or "sent"
        if status not in SENT:
            run.report.skip("sent_emails", record.where, f"not sent by the old system ({status})")
            continue
        prospect_id = values.text(record.data, "prospect_id")
        to = values.email_address(values.text(record.data, "to_email"))
        to = to or run.prospect_emails.get(prospect_id, "")
        if not to:
            run.report.skip("sent_emails", record.where, "no recipient address")
            continue
        candidates.append((record, to, run.prospects.get(prospect_id)))
    wanted = {to: prospect for _r, to, prospect in candidates if prospect is not None}
    contacts = ensure_contacts(run, wanted)
    return [mail for c in candidates if (mail := _mail(run, *c, contacts)) is not None]


def _mail(
    run: Run, record: Record, to: str, prospect: Prospect | None, contacts: dict[str, Contact]
) -> Mail | None:
    contact = contacts.get(to) or Contact.objects.filter(email__iexact=to).first()
    if contact is None:
        run.report.skip("sent_emails", record.where, "the recipient is not a known prospect")
        return None
    sent_at = values.when(values.text(record.data, "sent_at", "created_at"))
    if sent_at is None:
        run.report.skip("sent_emails", record.where, "no send time")
        return None
    kind = values.text(record.data, "email_type").lower()
    campaign = run.campaigns.get(values.text(record.data, "campaign_id"))
    sender = values.email_address(values.text(record.data, "from_email"))
    return Mail(
        record=record,
        contact=contact,
        sent_at=sent_at,
        message_id=message_id_of(record, sender),
        campaign=None if kind in NOT_A_STEP else campaign,
        step=values.integer(record.data, "sequence_number") if campaign else 0,
    )


def _group(run: Run, mails: list[Mail], lead_steps: dict[int, int]) -> None:
    known = set(
        OutboundEmail.objects.filter(message_id__in=[m.message_id for m in mails]).values_list(
            "message_id", flat=True
        )
    )
    run.report.count("sent_emails", "unchanged", sum(m.message_id in known for m in mails))
    new = [m for m in mails if m.message_id not in known]
    if not new:
        return
    campaign = new[0].campaign or legacy_campaign()
    enrollment = _enrollment(run, campaign, new[0].contact)
    numbers = _numbers(enrollment, new, lead_steps.get(enrollment.pk, 0))
    for mail, number in zip(new, numbers, strict=True):
        _place(run, enrollment, mail, number)


def _enrollment(run: Run, campaign: Campaign, contact: Contact) -> Enrollment:
    enrollment, created = enrollment_for(campaign, contact, status=Enrollment.Status.COMPLETED)
    if created:
        run.report.count("enrollments", "created")
        run.created_enrollments.add(enrollment.pk)
        if not is_legacy(campaign):
            run.report.warn(
                f"{contact.email} in {campaign.name}: emails but no campaign_leads row; "
                "enrolled as completed (the old system was not following up)"
            )
    run.enrollments.add(enrollment.pk)
    return enrollment


def _numbers(enrollment: Enrollment, mails: list[Mail], lead_step: int) -> list[int]:
    rows = OutboundEmail.objects.filter(enrollment=enrollment)
    if is_legacy(enrollment.campaign):
        top = rows.aggregate(top=Max("step"))["top"] or 0
        return list(range(top + 1, top + 1 + len(mails)))
    if all(m.step > 0 for m in mails):
        return [m.step for m in mails]
    done = rows.filter(legacy=True).aggregate(top=Max("step"))["top"] or 0
    start = max(done + 1, lead_step - len(mails) + 1)
    return list(range(start, start + len(mails)))


def _fields(run: Run, mail: Mail) -> dict[str, object]:
    data = mail.record.data
    sender = values.email_address(values.text(data, "from_email"))
    inbox: Inbox | None = inbox_for(run, sender) if sender else None
    bounced = values.text(data, "status").lower() == "bounced" or bool(
        values.text(data, "bounced_at")
    )
    reply_to = values.message_id(values.text(data, "in_reply_to"))
    return {
        "inbox": inbox,
        "recipient": mail.contact.email.lower(),
        "from_address": sender,
        "subject": values.text(data, "subject")[:300],
        "body_text": values.text(data, "body", "body_text"),
        "message_id": mail.message_id,
        "in_reply_to": reply_to[:255],
        "references": reply_to,
        "status": OutboundEmail.Status.BOUNCED if bounced else OutboundEmail.Status.SENT,
        "bounce_reason": "legacy" if bounced else "",
        "send_after": mail.sent_at,
        "sent_at": mail.sent_at,
        "attempts": 1,
        "legacy": True,
        "strategy": values.text(data, "email_type")[:32],
        "claim_token": None,
        "lease_until": None,
        "reserved_day": None,
        "last_error": "",
    }


def _place(run: Run, enrollment: Enrollment, mail: Mail, number: int) -> None:
    fields = _fields(run, mail)
    if not values.is_rfc_message_id(mail.message_id):
        run.report.warn(
            f"{mail.record.where}: {mail.message_id} is not an RFC 5322 Message-ID (a Graph "
            "id?); a follow-up to it cannot thread in the recipient's mail client"
        )
    existing = OutboundEmail.objects.filter(enrollment=enrollment, step=number).first()
    if existing is None and _create(enrollment, number, fields):
        run.report.count("sent_emails", "created")
        return
    existing = existing or OutboundEmail.objects.filter(enrollment=enrollment, step=number).first()
    if existing is None:  # its Message-ID was taken meanwhile: imported by a concurrent run
        run.report.count("sent_emails", "unchanged")
        return
    if not existing.legacy and existing.status not in WENT_OUT and _replace(existing, fields):
        run.report.count("sent_emails", "replaced")
        run.report.conflict(
            f"{mail.contact.email}: Jengu's {existing.status} step {number} in "
            f"{enrollment.campaign.name} ({existing.message_id}) cancelled; the old system "
            f"sent that step on {mail.sent_at:%Y-%m-%d %H:%M} ({mail.message_id}), kept"
        )
        return
    _to_legacy_enrollment(run, enrollment, mail, number, existing)


def _create(enrollment: Enrollment, number: int, fields: dict[str, object]) -> bool:
    try:
        with transaction.atomic():
            OutboundEmail.objects.create(
                enrollment=enrollment,
                step=number,
                prospect=enrollment.prospect,
                contact=enrollment.contact,
                **fields,
            )
    except IntegrityError:
        return False  # taken meanwhile (a send pass prepared it): handled as a conflict
    return True


def _replace(existing: OutboundEmail, fields: dict[str, object]) -> bool:
    """Only while it still has not gone out: a send pass may be claiming it right now."""
    rest = dict(fields)
    return transitions.import_over(existing.pk, status=str(rest.pop("status")), **rest)


def _to_legacy_enrollment(
    run: Run, enrollment: Enrollment, mail: Mail, number: int, existing: OutboundEmail
) -> None:
    who = "the old system already had" if existing.legacy else f"Jengu {existing.status}"
    run.report.conflict(
        f"{mail.contact.email}: step {number} in {enrollment.campaign.name} — {who} "
        f"{existing.message_id}; the old email {mail.message_id} is kept under {LEGACY}"
    )
    fallback = _enrollment(run, legacy_campaign(), mail.contact)
    top = OutboundEmail.objects.filter(enrollment=fallback).aggregate(top=Max("step"))["top"]
    if _create(fallback, (top or 0) + 1, _fields(run, mail)):
        run.report.count("sent_emails", "created")
    else:
        run.report.skip("sent_emails", mail.record.where, "could not be placed; import again")
