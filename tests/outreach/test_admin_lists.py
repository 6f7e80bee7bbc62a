"""The outreach changelists keep their columns on one line: a long subject is cut with the whole
text as its tooltip, times are short with the full time as theirs (the browser checks of the
widths are in tests/ui/test_admin_look.py)."""

from __future__ import annotations

import pytest
from django.test import Client

from outreach.models import InboundMessage, OutboundEmail
from tests.ui.helpers import first_email, sent_step_one

pytestmark = pytest.mark.django_db
SUBJECT = "Quick question about direct bookings at Casa do Largo Boutique Hotel this summer"


def test_the_outbound_list_cuts_the_subject_and_keeps_it_as_the_tooltip(
    admin_client: Client,
) -> None:
    _, (enrollment,) = sent_step_one(key="lisbon-1")
    OutboundEmail.objects.filter(pk=first_email(enrollment).pk).update(subject=SUBJECT)

    page = admin_client.get("/admin/outreach/outboundemail/").content.decode()

    assert f'class="jg-cut" style="max-width: 20em" title="{SUBJECT}">{SUBJECT}</span>' in page
    assert 'title="lisbon-1">lisbon-1</span></td>' in page  # the key, not "key <address>"
    assert "sent <time" in page and 'title="2026-12-01 10:00' in page


def test_the_reply_list_cuts_subject_and_prospect(admin_client: Client) -> None:
    inbox, (enrollment,) = sent_step_one(key="lisbon-1")
    InboundMessage.objects.create(
        inbox=inbox,
        kind="reply",
        intent="interested",
        prospect=enrollment.prospect,
        from_address="ana@hotel.example",
        subject=f"Re: {SUBJECT}",
    )

    page = admin_client.get("/admin/outreach/inboundmessage/").content.decode()

    assert f'title="Re: {SUBJECT}">Re: {SUBJECT}</span>' in page
    assert f'title="{enrollment.prospect.name}"' in page
