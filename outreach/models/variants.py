"""A/B variants of a sequence step: what differs between the versions of one email."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import models

from outreach.models.campaigns import Campaign

LABELS = "ABCDE"  # 2 to 5 variants per step
FIELDS = ("contact_name", "prospect_name", "city", "country", "sender_name", "sender_company")
_BRACED = re.compile(r"\{([^{}]*)\}")
MAX_VARIANTS = len(LABELS)


class StepVariant(models.Model):
    """One version of step ``step`` of a campaign. Empty fields keep the writer's own text.

    ``subject`` and ``body`` replace the writer's (``{contact_name}``, ``{prospect_name}``,
    ``{city}``, ``{sender_name}`` and ``{sender_company}`` are filled in); ``instructions`` go
    to the AI writer as the operator's brief for this version.
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="variants")
    step = models.PositiveSmallIntegerField(default=1, help_text="The step's number.")
    label = models.CharField(max_length=1, choices=[(c, c) for c in LABELS])
    subject = models.CharField(max_length=300, blank=True)
    body = models.TextField(blank=True)
    instructions = models.TextField(
        "writer instructions", blank=True, help_text="For the AI writer, e.g. 'lead with price'."
    )
    active = models.BooleanField(
        default=True, help_text="Assigned to new enrollments. The auto-winner clears it."
    )
    stopped_reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["campaign_id", "step", "label"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "step", "label"], name="stepvariant_unique_label"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign} step {self.step} variant {self.label}"

    def clean(self) -> None:
        if not (self.subject or self.body or self.instructions):
            raise ValidationError("A variant needs a subject, a body or writer instructions.")
        for field in ("subject", "body"):
            unknown = sorted(
                {f"{{{name}}}" for name in _BRACED.findall(getattr(self, field))} - _KNOWN
            )
            if unknown:  # it would reach the prospect as typed
                raise ValidationError(
                    {field: f"Unknown placeholder(s) {', '.join(unknown)}; use {_KNOWN_TEXT}."}
                )


_KNOWN = {f"{{{name}}}" for name in FIELDS}
_KNOWN_TEXT = ", ".join(f"{{{name}}}" for name in FIELDS)
