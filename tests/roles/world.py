"""Users of every role and a row for (nearly) every admin model, for the role matrices."""

from __future__ import annotations

from typing import Any

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_q.models import OrmQ, Schedule, Task
from django_q.signing import SignedPackage
from rest_framework.authtoken.models import Token

from aiengine.models import AIUsage
from compliance.services import unsubscribe_token_for
from core.models import AIUsageDaily, Alert, MaintenanceReport, ProviderState, ProviderWindow
from core.services import audit_record, deadletter_create, emergency_stop_set
from inboxes.models import InboxDay, PlacementRun, SeedMailbox
from outreach.models import DomainDay, InboundMessage, OutboundEmail, ShadowSend
from outreach.services import suppress
from prospects.models import CrawlHost, DuplicateHint, ImportJob, PipelineRun, ProspectEvent
from tests.factories import EnrollmentFactory, InboxFactory, ProspectFactory

# anonymous, a signed-in user in no role group, and the three roles
WHO = ["anonymous", "norole", "viewer", "operator", "admin"]
INBOX_PASSWORD = "inbox-pw-Zq81-never-shown"
SEED_PASSWORD = "seed-pw-Kx44-never-shown"


def user_for(who: str) -> Any:
    """The user of ``who`` (None when anonymous); made once per test."""
    if who == "anonymous":
        return None
    user, made = get_user_model().objects.get_or_create(username=f"{who}-user")
    if made:
        user.set_unusable_password()  # signed in with force_login or a token: no slow hashing
        user.save()
        if who != "norole":
            user.groups.add(Group.objects.get_or_create(name=who)[0])
    return user


def token_for(who: str) -> str | None:
    user = user_for(who)
    return None if user is None else Token.objects.get_or_create(user=user)[0].key


def build_world() -> dict[str, Any]:
    enrollment = EnrollmentFactory()
    inbox = InboxFactory(key="secret-box", password=INBOX_PASSWORD)
    enrollment.inbox = inbox
    enrollment.save(update_fields=["inbox"])
    other = ProspectFactory(name=f"{enrollment.prospect.name} Annex", city=enrollment.prospect.city)
    DuplicateHint.objects.create(prospect=enrollment.prospect, other=other, similarity=91)
    SeedMailbox.objects.create(
        key="seed-1", email="seed@mail.example", password=SEED_PASSWORD, imap_host="127.0.0.1"
    )
    InboundMessage.objects.create(
        kind=InboundMessage.Kind.REPLY,
        inbox=inbox,
        from_address=enrollment.contact.email,
        subject="Re: hello",
        body_text="Tell me more.",
        prospect=enrollment.prospect,
    )
    suppress(email="gone@hotel.example", reason="manual")
    unsubscribe_token_for("someone@hotel.example")
    deadletter_create(kind="task", error="boom", task_name="console.tasks.weekly_maintenance")
    emergency_stop_set(active=False, reason="world")
    Alert.objects.create(kind=Alert.Kind.OTHER, title="look at me")
    audit_record(action="world_built", detail={})
    _more_rows(enrollment, inbox)
    for who in WHO:
        user_for(who)
    return {"enrollment": enrollment, "inbox": inbox}


def _more_rows(enrollment: Any, inbox: Any) -> None:
    """One plain row of the admin's other models, so their pages and actions see a real row."""
    now, today = timezone.now(), timezone.localdate()
    prospect, contact = enrollment.prospect, enrollment.contact
    AIUsage.objects.create(provider="anthropic", purpose="write", outcome="ok")
    AIUsageDaily.objects.create(date=today, provider="anthropic", outcome="ok")
    MaintenanceReport.objects.create(started_at=now)
    ProviderState.objects.create(provider="anthropic")
    ProviderWindow.objects.create(provider="anthropic", window="minute", window_start=now)
    InboxDay.objects.create(inbox=inbox, date=today, limit=5)
    PlacementRun.objects.create()
    DomainDay.objects.create(kind="domain", key="hotel.example", day=today)
    OutboundEmail.objects.create(
        enrollment=enrollment, step=1, prospect=prospect, contact=contact, inbox=inbox,
        recipient=contact.email, message_id="<world-1@sender.example>", send_after=now,
    )  # fmt: skip
    ShadowSend.objects.create(recipient="a@hotel.example", step=1, message_id="<s@x>", at=now)
    CrawlHost.objects.create(host="hotel.example", next_at=now)
    ImportJob.objects.create(file=ContentFile(b"name\nCasa\n", name="world.csv"), name="w.csv")
    PipelineRun.objects.create(kind="daily")
    ProspectEvent.objects.create(prospect=prospect, kind="note", message="world")
    Schedule.objects.create(func="math.floor", name="world")
    for ok in (True, False):
        Task.objects.create(
            id=f"world-{ok}", name=f"world-{ok}", func="math.floor", started=now, stopped=now,
            success=ok,
        )  # fmt: skip
    task = {"id": "world-queued", "name": "world-queued", "func": "math.floor", "args": (1.5,)}
    OrmQ.objects.create(key="default", payload=SignedPackage.dumps(task))
    Token.objects.get_or_create(user=user_for("admin"))
    # the login-security models (django-axes, django-otp): their pages and delete actions too
    seen = {"username": "mallory", "ip_address": "203.0.113.9", "user_agent": "curl/8",
            "path_info": "/admin/login/", "http_accept": "*/*"}  # fmt: skip
    AccessAttempt.objects.create(**seen, get_data="", post_data="", failures_since_start=1)
    AccessFailureLog.objects.create(**seen, locked_out=False)
    AccessLog.objects.create(**seen)
    phone_owner = get_user_model().objects.create_user("phone-owner")  # no role: no one's session
    TOTPDevice.objects.create(user=phone_owner, name="Authenticator app")
