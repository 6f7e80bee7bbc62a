"""Rows for every admin changelist, so the screenshot tests look at filled pages.

``seed_admin_rows`` makes a realistic day (a campaign that has sent, replies, a dead letter,
long hotel names and subjects: the values that make columns wrap) through the factories and
services; ``ensure_row`` then fills any registered model still empty with a generic row, so a
model registered later is looked at with a row too. A model whose constraints a plain row
breaks (an email or a domain, never both) gets its row in ``seed_admin_rows``.
"""

from __future__ import annotations

import decimal
import uuid
from datetime import timedelta
from typing import Any

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db import models
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_q.models import Schedule, Task
from django_q.tasks import async_task

from core.models import DeadLetter, MaintenanceReport
from core.services import audit_record, deadletter_create
from outreach.models import InboundMessage
from outreach.services import suppress
from prospects.models import Contact, DuplicateHint, PipelineRun, Prospect
from tests.factories import (
    CampaignFactory,
    ContactFactory,
    EnrollmentFactory,
    InboxFactory,
    ProspectFactory,
)
from tests.ui.helpers import first_email, sent_step_one

LONG_ADDRESS = "maria.fernandes.dasilva@casadolargo-boutiquehotel.example"
LONG_SUBJECT = "Quick question about direct bookings at Casa do Largo Boutique Hotel this summer"
ENRICHMENT = {
    "pages": ["https://casadolargo.example/", "https://casadolargo.example/contactos"],
    "emails": ["reservas@casadolargo.example", "maria.fernandes@casadolargo.example"],
    "rooms": 24,
    "languages": ["pt", "en", "fr"],
    "booking_engine": {"name": "SiteMinder", "found_on": "/reservar"},
}


def seed_admin_rows() -> dict[type[models.Model], models.Model]:
    """A campaign that sent three first emails, a reply, a near-duplicate and a dead letter;
    returns the rows whose change page shows the most, by model."""
    inbox, enrollments = sent_step_one(3, key="lisbon-boutique-1")
    email = first_email(enrollments[0])
    # Every cut column at its widest: the lists must fit with the longest values, not the demo's.
    type(email).objects.filter(pk=email.pk).update(subject=LONG_SUBJECT, recipient=LONG_ADDRESS)
    prospect = ProspectFactory(
        name="Casa do Largo Boutique Hotel & Spa Alfama",
        city="Vila Nova de Milfontes",
        stage=Prospect.Stage.ENRICHED,
        score=72,
        tags=["boutique", "sea view", "family-run"],
        enrichment=ENRICHMENT,
        lead_source="google_places",
    )
    contact = ContactFactory(
        prospect=prospect,
        name="Maria Fernandes da Silva",
        title="Director of Sales and Revenue Management",
        email=LONG_ADDRESS,
    )
    EnrollmentFactory(
        contact=contact, campaign=CampaignFactory(name="Boutique hotels, Alentejo coast, 2027")
    )
    InboxFactory(key="porto-riverside-2", address=f"reservations.outreach.{LONG_ADDRESS[8:]}")
    twin = ProspectFactory(name="Casa de Largo Boutique Hotel", city=prospect.city)
    DuplicateHint.objects.create(prospect=prospect, other=twin, similarity=91.5)
    InboundMessage.objects.create(
        inbox=inbox,
        kind="reply",
        intent="meeting_request",
        prospect=prospect,
        from_address=LONG_ADDRESS,
        subject=f"Re: {LONG_SUBJECT}",
        body_text="Yes, call me on Thursday afternoon.",
    )
    deadletter_create(
        kind=DeadLetter.Kind.ENRICHMENT,
        error="FetchError: https://casadolargo.example/: no answer within 10 s",
        task_name="prospects.tasks.enrich_prospect",
        payload={"args": [prospect.pk]},
        attempts=3,
    )
    # Another user's authenticator: a device of the user who walks the pages would (rightly)
    # send every page to the two-factor code page.
    phone_owner = get_user_model().objects.create_user("maria.fernandes", password="pw-maria-123")
    TOTPDevice.objects.create(user=phone_owner, name="Authenticator app")
    suppress(
        email="no-thanks@quintadasrosas-agroturismo.example",
        reason="unsubscribed",
        source="unsubscribe_link",
        detail="clicked the link in step 2",
    )
    PipelineRun.objects.create(
        kind=PipelineRun.Kind.DAILY,
        status=PipelineRun.Status.DONE,
        counts={
            "source": {"found": 40, "created": 12, "duplicates": 28},
            "enrich": {"done": 11, "failed": 1, "skipped": 0},
            "verify": {"valid": 9, "risky": 2, "invalid": 1},
            "pending": 3,
        },
        errors=[{"prospect": prospect.pk, "error": "FetchError: no answer within 10 s"}],
        finished_at=timezone.now(),
    )
    MaintenanceReport.objects.create(
        started_at=timezone.now(),
        finished_at=timezone.now(),
        status=MaintenanceReport.Status.PARTIAL,
        steps={
            "archive_idle_prospects": {"archived": 3},
            "prune_task_results": {"successes_deleted": 412},
            "rollup_ai_usage": {"rows_rolled_up": 1250},
            "recompute_inbox_stats": {"inboxes": 4},
        },
        errors=[{"step": "rollup_ai_usage", "error": "OperationalError: database is locked"}],
    )
    audit_record(
        action="prospect_stage_set",
        actor="maria.operator",
        obj=prospect,
        detail={"from": "enriched", "to": "ready", "reason": "called the front desk, interested"},
    )
    _task_queue()
    return {Prospect: prospect, Contact: contact, type(email): email}


def _task_queue() -> None:
    now = timezone.now()
    for success in (True, False):
        Task.objects.create(
            id=uuid.uuid4().hex,
            name=f"send-pass-{'ok' if success else 'failed'}",
            func="outreach.tasks.send_due",
            started=now - timedelta(seconds=5),
            stopped=now,
            success=success,
            result="12 sent" if success else "SMTP timed out",
        )
    async_task("outreach.tasks.check_replies", task_name="replies-waiting")
    async_task(
        "prospects.tasks.enrich_prospect", 1, task_name="enrich-casa-do-largo-boutique-hotel",
        group="daily-pipeline-2026-12-01",
    )  # fmt: skip
    Schedule.objects.create(name="Check replies", func="outreach.tasks.check_replies")


# --- a generic row for anything registered without one -------------------------------------
def ensure_row(model: type[models.Model]) -> models.Model:
    """The model's first row, made with plain values when there is none."""
    found = model._default_manager.order_by("pk").first()
    if found is not None:
        return found
    values = {f.name: _value(f) for f in model._meta.concrete_fields if _needs_value(f)}
    return model._default_manager.create(**values)


def ensure_rows() -> None:
    for model in admin.site._registry:
        ensure_row(model)


def _needs_value(field: models.Field) -> bool:
    if field.primary_key and isinstance(field, models.AutoField):
        return False
    if field.has_default() or field.null or getattr(field, "auto_now_add", False):
        return False
    return not getattr(field, "auto_now", False)


def _value(field: models.Field) -> Any:
    if isinstance(field, models.ForeignKey):
        return ensure_row(field.related_model)
    if field.choices:
        return field.choices[0][0]
    if isinstance(field, models.FileField):
        return f"samples/{field.name}.csv"
    if isinstance(field, models.EmailField):
        return "someone@hotel.example"
    if isinstance(field, models.URLField):
        return "https://hotel.example/"
    if isinstance(field, models.CharField | models.TextField):
        return f"sample {field.name}"[: field.max_length or 100]
    if isinstance(field, models.DateTimeField):
        return timezone.now()
    if isinstance(field, models.DateField):
        return timezone.now().date()
    if isinstance(field, models.DecimalField):
        return decimal.Decimal("1")
    if isinstance(field, models.BooleanField):
        return False
    if isinstance(field, models.JSONField):
        return {}
    if isinstance(field, models.UUIDField):
        return uuid.uuid4()
    return 1
