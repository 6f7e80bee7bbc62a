"""Shared set-up for the A/B tests: a campaign whose steps have variants."""

from __future__ import annotations

from typing import Any

from outreach.models import Campaign, StepVariant
from tests.factories import CampaignFactory

BODY = {
    "A": "Hello {contact_name},\n\nVariant A: guests at {prospect_name} write in five "
    "languages; we answer them all.\n\nRui",
    "B": "Hello {contact_name},\n\nVariant B: a 15-minute call could save {prospect_name} "
    "an hour a day on guest emails.\n\nRui",
}
FOLLOW = {
    "A": "Hello {contact_name},\n\nA again: a short follow-up on answering guest emails.\n\nRui",
    "B": "Hello {contact_name},\n\nB again: still happy to show you the 15-minute demo.\n\nRui",
}


def ab_campaign(labels: str = "AB", *, steps: list[int] | None = None, **fields: Any) -> Campaign:
    """Step 1 has one variant per label (own subject and body); step 2, if any, its own bodies."""
    campaign = CampaignFactory(steps=steps or [0, 3], **fields)
    for label in labels:
        StepVariant.objects.create(
            campaign=campaign,
            step=1,
            label=label,
            subject=f"{label}: guest emails at {{prospect_name}}",
            body=BODY.get(label, BODY["A"].replace("Variant A", f"Variant {label}")),
        )
        if len(steps or [0, 3]) > 1 and label in FOLLOW:
            StepVariant.objects.create(campaign=campaign, step=2, label=label, body=FOLLOW[label])
    return campaign
