"""Shadow mode is a transport: chosen where the send pass chooses transports, it records a
``ShadowSend`` instead of sending, and its result settles through ``settle`` like any other."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from inboxes.models import InboxDay
from outreach.models import OutboundEmail, ShadowSend
from outreach.services import claim_next, prepare_due, reconcile_expired, settle
from outreach.services.sendpass import render
from outreach.services.shadow import ShadowTransport, sending_transport
from tests.factories import InboxFactory
from tests.outreach.helpers import TUESDAY_10, enrolled

pytestmark = pytest.mark.django_db


def test_the_shadow_transport_is_chosen_only_in_shadow_mode(settings) -> None:
    inbox = InboxFactory()
    assert not isinstance(sending_transport(inbox), ShadowTransport)
    settings.JENGU = {**settings.JENGU, "SHADOW": True}
    assert isinstance(sending_transport(inbox), ShadowTransport)


def test_a_claim_lost_before_the_shadow_send_records_nothing_and_settles_nothing() -> None:
    with time_machine.travel(TUESDAY_10, tick=False) as clock:
        inbox = InboxFactory()
        enrolled()
        prepare_due(now=TUESDAY_10)
        claim = claim_next(inbox_id=inbox.pk, now=TUESDAY_10)
        assert claim is not None
        email = OutboundEmail.objects.get(pk=claim.email_id)
        clock.move_to(TUESDAY_10 + timedelta(minutes=6))
        reconcile_expired()  # the lease expired: unknown now
        result = ShadowTransport(inbox).send(
            raw=render(email, inbox, TUESDAY_10),
            mail_from=inbox.address,
            recipients=[email.recipient],
        )
        outcome = settle(email_id=email.pk, token=claim.token, result=result, now=TUESDAY_10)

    assert (result.outcome, outcome) == ("shadow", "lost")
    assert not ShadowSend.objects.exists()
    assert OutboundEmail.objects.get(pk=email.pk).status == "unknown"
    assert InboxDay.objects.get(inbox=inbox).reserved == 1  # still held, for the operator
