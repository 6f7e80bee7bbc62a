"""Users of every role and a row for (nearly) every admin model, for the role matrices."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from rest_framework.authtoken.models import Token

from compliance.services import unsubscribe_token_for
from core.models import Alert
from core.services import audit_record, deadletter_create, emergency_stop_set
from inboxes.models import SeedMailbox
from outreach.models import InboundMessage
from outreach.services import suppress
from prospects.models import DuplicateHint
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
        user.set_password(f"pw-{who}-user-1")
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
    for who in WHO:
        user_for(who)
    return {"enrollment": enrollment, "inbox": inbox}


@pytest.fixture
def world(db: Any) -> dict[str, Any]:
    return build_world()
