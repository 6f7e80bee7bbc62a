"""Default campaigns (the seed's ``db:seed``): one per strategy, each a 3-step sequence."""

from __future__ import annotations

from django.db import transaction

from outreach.models import STRATEGIES, Campaign, SequenceStep

DEFAULT_STEPS = [(1, 0), (2, 3), (3, 7)]  # (step, days after the previous step)


@transaction.atomic
def seed_campaigns() -> dict[str, list[str]]:
    report: dict[str, list[str]] = {"created": [], "unchanged": []}
    for index, (strategy, label) in enumerate(STRATEGIES):
        campaign, created = Campaign.objects.get_or_create(
            name=f"Hotels: {label}",
            defaults={
                "strategy": strategy,
                "is_default": index == 0,
                "description": f"Independent hotels, {label.lower()} opener + 2 follow-ups",
            },
        )
        for number, delay in DEFAULT_STEPS:
            SequenceStep.objects.get_or_create(
                campaign=campaign, number=number, defaults={"delay_days": delay}
            )
        report["created" if created else "unchanged"].append(campaign.name)
    manual, created = Campaign.objects.get_or_create(
        name=Campaign.MANUAL,
        defaults={
            "strategy": "cold_direct",
            "description": "Operator sends (POST /api/send-email)",
        },
    )
    for number, delay in DEFAULT_STEPS:
        SequenceStep.objects.get_or_create(
            campaign=manual, number=number, defaults={"delay_days": delay}
        )
    report["created" if created else "unchanged"].append(manual.name)
    return report
