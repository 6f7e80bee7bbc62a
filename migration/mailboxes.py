"""The old sending mailboxes mapped to Jengu inboxes, by address.

An address with no inbox gets one, disabled (source ``admin``, key ``legacy-<slug>``), so the
threads it started stay on it: its follow-ups wait until the operator sets its password and
activates it. Passwords are never read from an export. When several inboxes share an address,
an active one wins, then one from the environment, so running the import again after
``initialize_inboxes`` moves the sticky threads onto the configured inbox.
"""

from __future__ import annotations

import re
from datetime import date

from django.db.models import Case, IntegerField, Value, When

from core.services import audit_record
from inboxes.models import Inbox
from migration import values
from migration.readers import Record
from migration.state import Run
from outreach.models import Enrollment

PAUSE_REASON = "Imported from the old system: set its password and activate it"


def load_mailboxes(run: Run) -> None:
    """Supabase ``mailboxes``: their ids (``campaign_leads.mailbox_id``) and their inboxes."""
    for record in run.export.rows("mailboxes"):
        address = values.email_address(values.text(record.data, "email", "address"))
        if not address:
            run.report.skip("inboxes", record.where, "mailbox without a valid address")
            continue
        if record.id:
            run.mailboxes[record.id] = address
        inbox_for(run, address, record)


def _preferred(address: str) -> Inbox | None:
    rank = Case(
        When(status=Inbox.Status.ACTIVE, then=Value(0)),
        When(status=Inbox.Status.PAUSED, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    env_first = Case(When(source=Inbox.Source.ENV, then=Value(0)), default=Value(1))
    rows = Inbox.objects.filter(address__iexact=address).annotate(r=rank, e=env_first)
    return rows.order_by("r", "e", "pk").first()


def inbox_for(run: Run, address: str, record: Record | None = None) -> Inbox | None:
    """The inbox that sends as ``address``, made (disabled) when there is none."""
    address = values.email_address(address)
    if not address:
        return None
    if address in run.inboxes:
        return run.inboxes[address]
    inbox = _preferred(address)
    if inbox is None:
        inbox = _create(address, record)
        run.report.count("inboxes", "created")
    else:
        run.report.count("inboxes", "matched")
        _fill_warmup_start(inbox, record)
    run.inboxes[address] = inbox
    return inbox


def _slug(address: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", address.lower()).strip("-")


def _free_key(address: str) -> str:
    base = f"legacy-{_slug(address)}"[:60]
    key, n = base, 1
    while Inbox.objects.filter(key=key).exists():
        n += 1
        key = f"{base[:57]}-{n}"
    return key


def _warmup_start(record: Record | None) -> date | None:
    moment = values.when(values.text(record.data, "warmup_start_date")) if record else None
    return moment.date() if moment else None


def _create(address: str, record: Record | None) -> Inbox:
    data = record.data if record else {}
    inbox = Inbox.objects.create(
        key=_free_key(address),
        source=Inbox.Source.ADMIN,
        provider=Inbox.Provider.SMTP,
        address=address,
        display_name=values.text(data, "display_name", "name")[:120],
        smtp_host=values.text(data, "smtp_host")[:255],
        smtp_port=values.integer(data, "smtp_port", 587) or 587,
        username=values.text(data, "smtp_user")[:255],
        imap_host=values.text(data, "imap_host")[:255],
        imap_port=values.integer(data, "imap_port", 993) or 993,
        status=Inbox.Status.DISABLED,
        pause_reason=PAUSE_REASON,
        warmup_start=_warmup_start(record),
    )
    audit_record(action="inbox_created", obj=inbox, detail={"source": "legacy import"})
    return inbox


def _fill_warmup_start(inbox: Inbox, record: Record | None) -> None:
    """An inbox that never sent keeps warming from the old mailbox's start, not week 1."""
    start = _warmup_start(record)
    if start and inbox.warmup_start is None:
        Inbox.objects.filter(pk=inbox.pk, warmup_start__isnull=True).update(warmup_start=start)


def mailbox_address(run: Run, mailbox_id: str) -> str:
    """``campaign_leads.mailbox_id``: a Supabase mailbox id, an address, or an inbox key."""
    if not mailbox_id:
        return ""
    if mailbox_id in run.mailboxes:
        return run.mailboxes[mailbox_id]
    if "@" in mailbox_id:
        return values.email_address(mailbox_id)
    inbox = Inbox.objects.filter(key=mailbox_id).first()
    return inbox.address.lower() if inbox else ""


def report_waiting_inboxes(run: Run) -> None:
    """Every imported inbox still disabled, and how many running sequences wait for it."""
    waiting = Inbox.objects.filter(key__startswith="legacy-", status=Inbox.Status.DISABLED)
    for inbox in waiting.order_by("key"):
        running = inbox.enrollments.filter(status=Enrollment.Status.ACTIVE).count()
        run.report.inboxes_to_configure.append(
            f"{inbox.key} <{inbox.address}>: {running} running sequence(s) wait for it"
        )
