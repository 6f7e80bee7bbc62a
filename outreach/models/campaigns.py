"""Campaigns, their sequence steps, and who is enrolled in which."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from outreach.blackout import validate_blackout

STRATEGIES = [
    ("authority_scarcity", "Authority + scarcity"),
    ("curiosity_value", "Curiosity + value"),
    ("cold_direct", "Cold, direct"),
    ("cold_pattern_interrupt", "Cold, pattern interrupt"),
]


class Campaign(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active"
        PAUSED = "paused"
        ARCHIVED = "archived"

    MANUAL = "Manual"  # built-in campaign for operator sends (POST /api/send-email)

    name = models.CharField(max_length=120, unique=True)
    description = models.TextField(blank=True)
    strategy = models.CharField(max_length=32, choices=STRATEGIES, default="cold_direct")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    is_default = models.BooleanField(default=False, help_text="The daily pipeline enrolls here.")
    domain_daily_cap = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="Emails per recipient domain per UTC day, all inboxes together; "
        "empty = JENGU_DOMAIN_DAILY_CAP, 0 = no cap.",
    )
    legacy_id = models.CharField(max_length=64, blank=True)
    review_first_emails = models.BooleanField(
        "review first emails before sending",
        default=False,
        help_text="Drafted first emails wait in the approval queue until an operator approves.",
    )
    blackout_dates = models.TextField(
        blank=True,
        validators=[validate_blackout],
        help_text="Days this campaign sends nothing, on top of JENGU_BLACKOUT_DATES: one date "
        "(2026-12-24) or range (2026-12-24..2026-12-26) per line or comma-separated, read on "
        "the recipient's local date.",
    )
    # Opt-in tracking, HTML steps only (README "Tracking": what it costs in deliverability).
    track_opens = models.BooleanField(
        default=False,
        help_text="Add a 1x1 pixel to HTML emails. Opens are unreliable: Apple Mail Privacy "
        "Protection and scanners fetch it.",
    )
    track_clicks = models.BooleanField(
        default=False,
        help_text="Send the HTML part's links through signed /t/c/ links (never the "
        "unsubscribe link; the plain-text part keeps the original links).",
    )
    tracking_base_url = models.URLField(
        "tracking domain",
        blank=True,
        help_text="e.g. https://t.example.com, a CNAME to this server with its own TLS "
        "certificate; empty = JENGU_TRACKING_BASE_URL, or PUBLIC_BASE_URL.",
    )
    ab_auto_winner = models.BooleanField(
        "A/B auto-winner",
        default=False,
        help_text="When one variant's positive-reply rate is significantly better, stop "
        "assigning the others to new enrollments.",
    )
    ab_min_sample = models.PositiveIntegerField(
        "A/B minimum sample",
        default=100,
        help_text="Sent emails each variant needs before the auto-winner may decide.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class SequenceStep(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="steps")
    number = models.PositiveSmallIntegerField()
    delay_days = models.PositiveSmallIntegerField(default=0, help_text="After the previous step.")
    strategy = models.CharField(
        max_length=32,
        choices=STRATEGIES,
        blank=True,
        help_text="Empty = the campaign's strategy (step 1) or follow-up.",
    )
    html = models.BooleanField(default=False, help_text="Also send an HTML alternative.")

    class Meta:
        ordering = ["campaign_id", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "number"], name="sequencestep_unique_number"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign} step {self.number}"


class Enrollment(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active"
        PAUSED = "paused"
        COMPLETED = "completed"
        REPLIED = "replied"
        BOUNCED = "bounced"
        UNSUBSCRIBED = "unsubscribed"
        STOPPED = "stopped"

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="enrollments")
    contact = models.ForeignKey(
        "prospects.Contact", on_delete=models.CASCADE, related_name="enrollments"
    )
    prospect = models.ForeignKey(
        "prospects.Prospect", on_delete=models.CASCADE, related_name="enrollments"
    )
    inbox = models.ForeignKey(
        "inboxes.Inbox",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="enrollments",
        help_text="Sticky sender.",
    )
    current_step = models.PositiveSmallIntegerField(default=0, help_text="Last step sent.")
    next_send_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    stopped_reason = models.CharField(max_length=200, blank=True)
    variant = models.CharField(
        max_length=1, blank=True, help_text="A/B variant label, kept by every follow-up."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "contact"], name="enrollment_unique_contact"
            ),
        ]
        indexes = [
            models.Index(
                fields=["next_send_at"], condition=Q(status="active"), name="enrollment_due"
            ),  # used by the drafting task
            models.Index(
                fields=["-created_at", "-id"], name="enrollment_newest"
            ),  # the admin's default order: a first page without sorting every row
        ]

    def __str__(self) -> str:
        return f"{self.contact} in {self.campaign}"
