"""A/B results per step and variant, and the auto-winner that stops the losing variants.

The unit is the enrollment: a prospect who got the step's email (sent) counts once, and counts
as a reply, a positive reply (interested or meeting request), a meeting or an unsubscribe
whatever step of the thread it answered, since follow-ups keep the variant. Bounces are the
step's own emails that bounced. The statistics are ``outreach.abstats``'.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q

from compliance.models import Suppression
from core.services import audit_record
from outreach import abstats
from outreach.models import Campaign, Enrollment, InboundMessage, OutboundEmail, StepVariant
from outreach.services.variants import assignment_step

POSITIVE = ("interested", "meeting_request")
# An unsubscribe: the sequence stopped for it, or the address opted out (the link or a reply)
# after the sequence had finished.
OPT_OUT = (Suppression.Reason.UNSUBSCRIBE, Suppression.Reason.OPT_OUT_REPLY)


@dataclass(frozen=True)
class VariantResult:
    label: str
    subject: str
    instructions: str
    active: bool
    sent: int
    replies: int
    positive: int
    meetings: int
    bounces: int
    unsubscribes: int
    positive_rate: float
    low: float  # 95% Wilson interval of the positive-reply rate
    high: float
    p_vs_leader: float | None  # Holm-adjusted two-proportion z-test against the leader
    worse_than_leader: bool


@dataclass(frozen=True)
class StepResult:
    step: int
    assigns: bool  # this step's variants are the ones assigned at enrolment
    leader: str | None
    winner: str | None
    variants: list[VariantResult]

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _replies(**match: Any) -> Exists:
    return Exists(
        InboundMessage.objects.filter(
            kind=InboundMessage.Kind.REPLY, matched_outbound__enrollment=OuterRef("pk"), **match
        )
    )


def _counts(campaign_id: int, step: int) -> dict[str, dict[str, int]]:
    emails = OutboundEmail.objects.filter(enrollment__campaign_id=campaign_id, step=step)
    sent_step = emails.filter(enrollment=OuterRef("pk"), sent_at__isnull=False)
    people = (
        Enrollment.objects.filter(Exists(sent_step), campaign_id=campaign_id)
        .alias(
            has_reply=_replies(),
            has_positive=_replies(intent__in=POSITIVE),
            has_meeting=_replies(meeting_booked_at__isnull=False),
            opted_out=Exists(
                Suppression.objects.filter(
                    email__iexact=OuterRef("contact__email"), reason__in=OPT_OUT
                )
            ),
        )
        .values("variant")
        .annotate(
            sent=Count("pk"),
            replies=Count("pk", filter=Q(has_reply=True)),
            positive=Count("pk", filter=Q(has_positive=True)),
            meetings=Count("pk", filter=Q(has_meeting=True)),
            unsubscribes=Count(
                "pk", filter=Q(status=Enrollment.Status.UNSUBSCRIBED) | Q(opted_out=True)
            ),
        )
    )
    counts: dict[str, dict[str, int]] = {
        str(row["variant"]): {k: int(v) for k, v in row.items() if k != "variant"}  # type: ignore[call-overload]
        for row in people
    }
    bounced = emails.filter(status=OutboundEmail.Status.BOUNCED).values("variant")
    for row in bounced.annotate(n=Count("pk")):
        counts.setdefault(row["variant"], {})["bounces"] = row["n"]
    return counts


def step_results(
    campaign_id: int, step: int, variants: list[StepVariant], alpha: float = abstats.ALPHA
) -> StepResult:
    counts = _counts(campaign_id, step)
    arms = [
        abstats.Arm(v.label, counts.get(v.label, {}).get("positive", 0), _n(counts, v.label))
        for v in variants
    ]
    comparison = abstats.compare(arms, alpha=alpha)
    out = []
    for v, arm in zip(variants, comparison.arms, strict=True):
        c = counts.get(v.label, {})
        out.append(
            VariantResult(
                label=v.label,
                subject=v.subject,
                instructions=v.instructions,
                active=v.active,
                sent=arm.trials,
                replies=c.get("replies", 0),
                positive=arm.successes,
                meetings=c.get("meetings", 0),
                bounces=c.get("bounces", 0),
                unsubscribes=c.get("unsubscribes", 0),
                positive_rate=arm.rate,
                low=arm.low,
                high=arm.high,
                p_vs_leader=arm.p_vs_leader,
                worse_than_leader=arm.worse_than_leader,
            )
        )
    assigns = step == assignment_step(campaign_id)
    return StepResult(step, assigns, comparison.leader, comparison.winner, out)


def _n(counts: dict[str, dict[str, int]], label: str) -> int:
    return counts.get(label, {}).get("sent", 0)


def campaign_results(campaign: Campaign) -> list[StepResult]:
    """Every step that has variants, in step order."""
    by_step: dict[int, list[StepVariant]] = {}
    for v in StepVariant.objects.filter(campaign=campaign).order_by("step", "label"):
        by_step.setdefault(v.step, []).append(v)
    return [step_results(campaign.pk, step, vs) for step, vs in sorted(by_step.items())]


def auto_winner_check(*, campaign: Campaign, now: datetime, actor: Any = None) -> str | None:
    """When the campaign asks for it and every active variant of the assigning step has its
    minimum sample, a variant that beats all the others at the sequential threshold (it looks
    again every hour) stops them being assigned."""
    step = assignment_step(campaign.pk) if campaign.ab_auto_winner else None
    if step is None:
        return None
    active = list(StepVariant.objects.filter(campaign=campaign, step=step, active=True))
    if len(active) < 2:
        return None
    result = step_results(campaign.pk, step, active, alpha=abstats.SEQUENTIAL_ALPHA)
    if result.winner is None or min(v.sent for v in result.variants) < campaign.ab_min_sample:
        return None
    with transaction.atomic():
        losers = StepVariant.objects.filter(campaign=campaign, step=step, active=True).exclude(
            label=result.winner
        )
        reason = f"auto-winner: {result.winner} ({now:%Y-%m-%d})"
        stopped = sorted(losers.values_list("label", flat=True))
        if not stopped or not losers.update(active=False, stopped_reason=reason):
            return None
        audit_record(
            action="ab_winner",
            actor=actor,
            obj=campaign,
            detail={
                "step": step,
                "winner": result.winner,
                "stopped": stopped,
                "alpha": abstats.SEQUENTIAL_ALPHA,
                "results": {
                    v.label: {"sent": v.sent, "positive": v.positive, "p": v.p_vs_leader}
                    for v in result.variants
                },
            },
        )
    return result.winner


def auto_winner_all(*, now: datetime) -> dict[str, str]:
    """The schedule's pass: every active campaign with the auto-winner on."""
    decided = {}
    for campaign in Campaign.objects.filter(ab_auto_winner=True, status=Campaign.Status.ACTIVE):
        winner = auto_winner_check(campaign=campaign, now=now)
        if winner:
            decided[campaign.name] = winner
    return decided


def campaign_variants(*, campaign_id: int, now: datetime) -> dict[str, Any]:
    """What ``GET /api/campaigns/{id}/variants`` answers; runs the auto-winner check first."""
    from core.errors import NotFound

    campaign = Campaign.objects.filter(pk=campaign_id).first()
    if campaign is None:
        raise NotFound(f"no campaign {campaign_id}", code="campaign_not_found")
    auto_winner_check(campaign=campaign, now=now)
    return {
        "id": campaign.pk,
        "name": campaign.name,
        "auto_winner": campaign.ab_auto_winner,
        "min_sample": campaign.ab_min_sample,
        "test": {
            "metric": "positive replies (interested + meeting request) / sent",
            "method": "two-proportion z-test, two-sided, pairwise, Holm-adjusted",
            "alpha": abstats.ALPHA,
            "auto_winner_alpha": abstats.SEQUENTIAL_ALPHA,
            "interval": "Wilson 95%",
        },
        "steps": [s.as_dict() for s in campaign_results(campaign)],
    }
