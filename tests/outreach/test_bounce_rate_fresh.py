"""An inbox's bounce rate is recomputed on every settle, not only on a bounce or the weekly
maintenance: five sends read "0.0% of 5", never "0.0% of 0"."""

from __future__ import annotations

import pytest
import time_machine

from inboxes.models import Inbox
from outreach.services import run_send_pass
from tests.outreach.helpers import TUESDAY_10, enrolled, smtp_inbox

pytestmark = pytest.mark.django_db


def test_five_sends_show_in_the_bounce_sample_at_once(api, smtp_server, settings) -> None:
    with time_machine.travel(TUESDAY_10, tick=False):
        inbox = smtp_inbox(smtp_server, settings)
        enrolled(n=5)
        assert run_send_pass().sent == 5
        status = api.get("/api/status/inboxes").json()["inboxes"]
    inbox = Inbox.objects.get(pk=inbox.pk)
    assert (inbox.bounce_sample, inbox.bounce_rate) == (5, 0.0)
    (row,) = [i for i in status if i["id"] == inbox.pk]
    assert (row["bounce_sample"], row["bounce_rate"]) == (5, 0.0)
