"""A/B variants in the send path: even assignment per inbox, the variant's words in the email
that reaches the SMTP server, follow-ups that keep the variant, instructions that reach the
LLM, and a step without variants that behaves as before."""

from __future__ import annotations

import json
from collections import Counter
from datetime import timedelta

import pytest
import time_machine

from outreach.models import Enrollment, OutboundEmail, StepVariant
from outreach.services import email_prepare, run_send_pass
from tests.factories import CampaignFactory, InboxFactory
from tests.outreach.ab_world import BODY, FOLLOW, ab_campaign
from tests.outreach.helpers import TUESDAY_10, enrolled, parsed, smtp_inbox

pytestmark = pytest.mark.django_db


def test_assignment_is_even_within_every_inbox() -> None:
    inboxes = [InboxFactory() for _ in range(3)]
    campaign = ab_campaign("ABC")
    enrolled(campaign, n=90)
    rows = Enrollment.objects.filter(campaign=campaign)
    per_inbox = Counter(rows.values_list("inbox_id", flat=True))
    assert per_inbox == {inbox.pk: 30 for inbox in inboxes}
    cells = Counter(rows.values_list("inbox_id", "variant"))
    assert set(cells.values()) == {10}  # every (inbox, variant) pair: exactly a third
    assert len(cells) == 9


def test_few_prospects_per_inbox_still_split_evenly_overall() -> None:
    for _ in range(4):
        InboxFactory()
    campaign = ab_campaign("AB")
    enrolled(campaign, n=12)  # three per inbox: A B A on each would give A 8 and B 4
    rows = Enrollment.objects.filter(campaign=campaign)
    assert Counter(rows.values_list("variant", flat=True)) == {"A": 6, "B": 6}
    cells = Counter(rows.values_list("inbox_id", "variant"))
    assert sorted(cells.values()) == [1, 1, 1, 1, 2, 2, 2, 2]


def test_assignment_is_deterministic_and_a_stopped_variant_gets_no_one() -> None:
    InboxFactory()
    campaign = ab_campaign("ABC")

    def labels(rows: list[Enrollment]) -> str:
        return "".join(Enrollment.objects.get(pk=e.pk).variant for e in rows)

    assert labels(enrolled(campaign, n=5)) == "ABCAB"  # fewest first, ties by label
    StepVariant.objects.filter(campaign=campaign, label="A").update(active=False)
    assert labels(enrolled(campaign, n=4)) == "CBCB"  # A stopped: B and C even out


def test_a_campaign_without_variants_enrolls_as_before() -> None:
    InboxFactory()
    (enrollment,) = enrolled(CampaignFactory())
    enrollment.refresh_from_db()
    assert (enrollment.variant, enrollment.inbox_id) == ("", None)  # sticky at the first send


def test_sends_use_the_variant_and_follow_ups_keep_it(smtp_server, settings) -> None:
    with time_machine.travel(TUESDAY_10, tick=False) as clock:
        smtp_inbox(smtp_server, settings, warmup_schedule="50")
        campaign = ab_campaign("AB", steps=[0, 3])
        enrolled(campaign, n=4)
        assert run_send_pass().sent == 4
        clock.move_to(TUESDAY_10 + timedelta(days=3))  # Friday
        assert run_send_pass().sent == 4

    assert len(smtp_server.messages) == 8
    for enrollment in Enrollment.objects.filter(campaign=campaign):
        label = enrollment.variant
        first, second = (
            e for e in OutboundEmail.objects.filter(enrollment=enrollment).order_by("step")
        )
        assert first.variant == second.variant == label
        by_id = {parsed(m.raw)["Message-ID"]: parsed(m.raw) for m in smtp_server.messages}
        one, two = by_id[first.message_id], by_id[second.message_id]
        hotel, person = enrollment.prospect.name, enrollment.contact.name
        assert one["Subject"] == f"{label}: guest emails at {hotel}"
        text_one = one.get_body(("plain",)).get_content()
        assert BODY[label].format(contact_name=person, prospect_name=hotel) in text_one.replace(
            "\r\n", "\n"
        )
        assert two["Subject"] == f"Re: {label}: guest emails at {hotel}"  # still one thread
        assert two["In-Reply-To"] == one["Message-ID"]
        text_two = two.get_body(("plain",)).get_content().replace("\r\n", "\n")
        assert FOLLOW[label].format(contact_name=person) in text_two
    assert Counter(Enrollment.objects.values_list("variant", flat=True)) == {"A": 2, "B": 2}


def test_writer_instructions_reach_the_llm(llms: dict) -> None:
    inbox = InboxFactory()
    campaign = CampaignFactory(steps=[0])
    for label, brief in (("A", "Lead with the price: 49 EUR a month."), ("B", "Open on a story.")):
        StepVariant.objects.create(campaign=campaign, step=1, label=label, instructions=brief)
    a, b = enrolled(campaign, n=2)
    good = {"subject": "Guest emails", "body": "Hello Ana,\n\nA short call about guest emails?\n"}
    llms["grok"].reply_json(good).reply_json(good)
    for enrollment in (a, b):
        enrollment.refresh_from_db()
        assert enrollment.inbox == inbox
        email = email_prepare(enrollment=enrollment, now=TUESDAY_10)
        assert email is not None and email.variant == enrollment.variant
        assert email.prompt_version.endswith("+variant")
    sent = [json.dumps(body) for body in llms["grok"].bodies]
    assert "Lead with the price: 49 EUR a month." in sent[0]
    assert "Open on a story." in sent[1] and "49 EUR" not in sent[1]


def test_a_variant_with_an_unknown_placeholder_is_refused() -> None:
    from django.core.exceptions import ValidationError

    campaign = CampaignFactory(steps=[0])
    bad = StepVariant(campaign=campaign, step=1, label="A", subject="Hi {hotel_name}")
    with pytest.raises(ValidationError) as refused:
        bad.full_clean()
    assert "Unknown placeholder(s) {hotel_name}" in str(refused.value)
    StepVariant(campaign=campaign, step=1, label="A", subject="Hi {prospect_name}").full_clean()
    with pytest.raises(ValidationError):
        StepVariant(campaign=campaign, step=1, label="B").full_clean()  # nothing differs


def test_an_html_step_gets_the_variants_body_as_escaped_html(no_keys: None) -> None:
    InboxFactory()
    campaign = ab_campaign("AB", steps=[0])
    campaign.steps.update(html=True)
    StepVariant.objects.filter(campaign=campaign, label="A").update(
        body="Hello {contact_name},\n\nRooms <and> rates at {prospect_name}, in one inbox."
    )
    (enrollment,) = enrolled(campaign)
    enrollment.refresh_from_db()
    email = email_prepare(enrollment=enrollment, now=TUESDAY_10)
    assert email is not None and email.variant == "A"
    name, hotel = enrollment.contact.name, enrollment.prospect.name
    assert email.body_text == f"Hello {name},\n\nRooms <and> rates at {hotel}, in one inbox."
    assert email.body_html == (
        f"<p>Hello {name},</p>\n\n<p>Rooms &lt;and&gt; rates at {hotel}, in one inbox.</p>"
    )
