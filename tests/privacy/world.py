"""One prospect with a trace in every table that can hold a person: a sent email (raw in the
bucket), their reply (raw in the bucket, classified: alert, events), an opt-out suppression,
an audit entry and an admin history entry, a dead letter with a stored payload, queued/finished/scheduled tasks, an AI
usage error, a near-duplicate hint and an inbox error quoting the address."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django_q.models import OrmQ, Schedule, Task
from django_q.signing import SignedPackage

from aiengine.models import AIUsage
from compliance.models import Suppression, UnsubscribeToken
from core import storage
from core.models import Alert, DeadLetter
from core.services import audit_record, deadletter_create
from outreach.models import OutboundEmail
from outreach.services import enroll, prepare_due, run_send_pass
from outreach.services.inbound import ingest_message
from prospects.models import DuplicateHint, Prospect
from prospects.services import ProspectInput, prospect_create
from tests.factories import CampaignFactory, InboxFactory, ProspectFactory

ADDRESS = "marisol.quixote@quinta-zyxwv.example"
LOCAL = "marisol.quixote"
PERSON = "Marisol Quixote"
HOTEL = "Quinta das Amendoeiras Zyxwv"


@dataclass
class World:
    prospect: Prospect
    email: OutboundEmail
    other: Prospect


def needles() -> list[str]:
    return [ADDRESS, LOCAL, PERSON, HOTEL]


def _reply(email: OutboundEmail) -> bytes:
    return (
        f"From: {PERSON} <{ADDRESS}>\r\nTo: {email.from_address}\r\n"
        f"Subject: Re: {email.subject}\r\nIn-Reply-To: {email.message_id}\r\n"
        f"Message-ID: <reply-zyxwv@quinta-zyxwv.example>\r\n\r\n"
        f"Yes, let's meet next week. Call me.\r\n{PERSON}, {HOTEL}\r\n"
    ).encode()


def build(settings: object, now: datetime) -> World:
    settings.JENGU = {**settings.JENGU, "SEND_HOURS": "0-24", "SEND_DAYS": "mon-sun"}  # type: ignore[attr-defined]
    inbox = InboxFactory()
    prospect = prospect_create(
        data=ProspectInput(
            name=HOTEL,
            city="Evora",
            website="https://quinta-zyxwv.example",
            contact_email=ADDRESS,
            contact_name=PERSON,
        )
    ).prospect
    other = ProspectFactory(name="Quinta das Amendoeiras", city="Evora")
    DuplicateHint.objects.create(prospect=other, other=prospect, similarity=0.9)
    campaign = CampaignFactory(steps=[0])
    prospect.contacts.update(verification="valid")  # as the verifier would have found
    enroll(contact=prospect.contacts.get(), campaign=campaign, now=now)
    prepare_due(now=now)
    assert run_send_pass().sent == 1
    email = OutboundEmail.objects.get(prospect=prospect)
    message, created = ingest_message(inbox=inbox, raw=_reply(email))
    assert created and message.prospect_id == prospect.pk
    _operations(prospect, email, inbox)
    return World(prospect=prospect, email=email, other=other)


def _operations(prospect: Prospect, email: OutboundEmail, inbox: object) -> None:
    Suppression.objects.create(
        email=ADDRESS, reason=Suppression.Reason.OPT_OUT_REPLY, detail=f"{PERSON} asked"
    )
    audit_record(action="prospect_edited", obj=prospect, detail={"contact": ADDRESS})
    editor = get_user_model().objects.create_user("editor-zyxwv")
    LogEntry.objects.create(
        user=editor,
        content_type=ContentType.objects.get_for_model(Prospect),
        object_id=str(prospect.pk),
        object_repr=str(prospect),
        action_flag=CHANGE,
        change_message="[]",
    )
    letter = deadletter_create(
        kind=DeadLetter.Kind.SEND, error=f"550 <{ADDRESS}> unknown", payload={"to": ADDRESS}
    )
    storage.deadletter_store_payload(
        letter, f"To: {ADDRESS}\r\n\r\nhello".encode(), filename="m.eml"
    )
    Alert.objects.create(kind=Alert.Kind.OTHER, title=f"Note about {HOTEL}")
    AIUsage.objects.create(
        provider="grok", purpose="write", outcome="error", error=f"bad {ADDRESS}"
    )
    inbox.last_error = f"550 5.1.1 <{ADDRESS}>: user unknown"  # type: ignore[attr-defined]
    inbox.save()  # type: ignore[attr-defined]
    task = {"id": "t1", "name": "enrich-zyxwv", "func": "prospects.tasks.enrich_prospect",
            "args": (prospect.pk,), "kwargs": {}, "group": None}  # fmt: skip
    OrmQ.objects.create(key="default", payload=SignedPackage.dumps(task), lock=timezone.now())
    Task.objects.create(
        id="t2", name="find-zyxwv", func="prospects.tasks.find_contact_email",
        args=(prospect.contacts.get().pk,), kwargs={}, result=f"found {ADDRESS}",
        started=timezone.now(), stopped=timezone.now(), success=True,
    )  # fmt: skip
    Schedule.objects.create(name="remind-zyxwv", func="builtins.print", args=repr(ADDRESS))
    assert UnsubscribeToken.objects.filter(email=ADDRESS).exists()
    assert email.raw
