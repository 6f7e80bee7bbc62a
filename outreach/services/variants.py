"""A/B variants: assignment at enrolment, stratified by inbox, and the variant's text.

Assignment is a deterministic round-robin. A campaign with variants gives each new enrollment
its sending inbox at once (the sendable inbox with the fewest of this campaign's enrollments,
ties by id), then the active variant with the fewest enrollments of this campaign on that
inbox (ties: the fewest in the campaign, then the label). Under the campaign's row lock, so concurrent enrolments stay even: each
inbox's prospects split evenly between the variants, and one inbox's reputation cannot decide
the test. The label is stored on the enrollment; every step's email carries it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from django.db.models import Count, Q, QuerySet

from inboxes.models import Inbox
from outreach.models import Campaign, Enrollment, StepVariant
from outreach.models.variants import FIELDS

_FIELD = re.compile(r"\{(" + "|".join(FIELDS) + r")\}")


def pick_label(
    in_inbox: Mapping[str, int], labels: Sequence[str], overall: Mapping[str, int] | None = None
) -> str:
    """The label with the fewest enrollments on this inbox; ties go to the fewest in the whole
    campaign (so three prospects on each of four inboxes still split 6/6), then by label."""
    total = overall or {}
    return min(labels, key=lambda label: (in_inbox.get(label, 0), total.get(label, 0), label))


def assignment_step(campaign_id: int) -> int | None:
    """The first step with two variants or more: its variants are the test's arms."""
    steps = (
        StepVariant.objects.filter(campaign_id=campaign_id)
        .values("step")
        .annotate(n=Count("pk"))
        .filter(n__gte=2)
        .order_by("step")
    )
    first = steps.first()
    return first["step"] if first else None


def active_labels(campaign_id: int, step: int) -> list[str]:
    variants = StepVariant.objects.filter(campaign_id=campaign_id, step=step, active=True)
    return list(variants.order_by("label").values_list("label", flat=True))


def _least_used_inbox(campaign_id: int) -> Inbox | None:
    inboxes = Inbox.objects.sendable().annotate(
        n=Count("enrollments", filter=Q(enrollments__campaign_id=campaign_id))
    )
    return inboxes.order_by("n", "pk").first()


def variant_assign(*, enrollment: Enrollment) -> str:
    """Give a new enrollment of a campaign with variants its inbox and label (in the caller's
    transaction); "" and nothing changed when the campaign has no variants."""
    step = assignment_step(enrollment.campaign_id)
    if step is None:
        return ""
    Campaign.objects.select_for_update().filter(pk=enrollment.campaign_id).first()
    labels = active_labels(enrollment.campaign_id, step)
    if not labels:
        return ""
    if enrollment.inbox_id is None:
        enrollment.inbox = _least_used_inbox(enrollment.campaign_id)
    peers = Enrollment.objects.filter(campaign_id=enrollment.campaign_id).exclude(pk=enrollment.pk)
    enrollment.variant = pick_label(
        _per_label(peers.filter(inbox=enrollment.inbox)), labels, _per_label(peers)
    )
    Enrollment.objects.filter(pk=enrollment.pk).update(
        inbox=enrollment.inbox, variant=enrollment.variant
    )
    return enrollment.variant


def _per_label(enrollments: QuerySet[Enrollment]) -> dict[str, int]:
    rows = enrollments.values("variant").annotate(n=Count("pk")).values_list("variant", "n")
    return dict(rows)


def variant_for(enrollment: Enrollment, step: int) -> StepVariant | None:
    """The step's version for this enrollment's label (a stopped variant still writes the
    follow-ups of the enrollments it already has)."""
    if not enrollment.variant:
        return None
    return StepVariant.objects.filter(
        campaign_id=enrollment.campaign_id, step=step, label=enrollment.variant
    ).first()


def fill(template: str, facts: Mapping[str, Any]) -> str:
    """``{contact_name}`` and friends from the writer's facts; other braces stay as typed."""
    return _FIELD.sub(lambda m: str(facts.get(m.group(1)) or ""), template)
