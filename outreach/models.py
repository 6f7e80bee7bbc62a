"""Campaigns, sequences, the outbound send ledger, inbound messages and suppressions."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

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
    legacy_id = models.CharField(max_length=64, blank=True)
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
        ]

    def __str__(self) -> str:
        return f"{self.contact} in {self.campaign}"


class OutboundEmailQuerySet(models.QuerySet["OutboundEmail"]):
    def in_flight(self) -> OutboundEmailQuerySet:
        return self.filter(status__in=OutboundEmail.IN_FLIGHT)


class OutboundEmail(models.Model):
    """The send ledger. Created before anything is sent; claimed, sent, then settled."""

    class Status(models.TextChoices):
        DRAFT = "draft"
        QUEUED = "queued"
        SENDING = "sending"
        SENT = "sent"
        FAILED = "failed"
        BOUNCED = "bounced"
        UNKNOWN = "unknown"  # lease expired mid-send: reconcile, never resend blindly
        CANCELLED = "cancelled"
        SHADOW = "shadow", "Shadow (not sent)"

    IN_FLIGHT = (Status.DRAFT, Status.QUEUED, Status.SENDING, Status.UNKNOWN)

    enrollment = models.ForeignKey(Enrollment, on_delete=models.PROTECT, related_name="emails")
    step = models.PositiveSmallIntegerField()
    prospect = models.ForeignKey(
        "prospects.Prospect", on_delete=models.PROTECT, related_name="outbound_emails"
    )
    contact = models.ForeignKey(
        "prospects.Contact", on_delete=models.PROTECT, related_name="outbound_emails"
    )
    inbox = models.ForeignKey(
        "inboxes.Inbox",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="outbound_emails",
    )
    recipient = models.EmailField()
    from_address = models.EmailField(blank=True)
    subject = models.CharField(max_length=300, blank=True)
    body_text = models.TextField(blank=True)
    body_html = models.TextField(blank=True)
    message_id = models.CharField(max_length=255, unique=True)
    in_reply_to = models.CharField(max_length=255, blank=True)
    references = models.TextField(blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    send_after = models.DateTimeField()
    claim_token = models.UUIDField(null=True, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    reserved_day = models.DateField(
        null=True, blank=True, help_text="Inbox-local day whose warmup slot this holds."
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    provider_message_id = models.CharField(max_length=255, blank=True)
    last_error = models.TextField(blank=True)
    bounce_reason = models.CharField(max_length=32, blank=True)
    strategy = models.CharField(max_length=32, blank=True)
    ai_provider = models.CharField(max_length=32, blank=True)
    ai_model = models.CharField(max_length=100, blank=True)
    prompt_version = models.CharField(max_length=64, blank=True)
    offline = models.BooleanField(default=False, help_text="Written by the offline writer.")
    raw = models.FileField(upload_to="outbound/%Y/%m/", blank=True)
    legacy = models.BooleanField(default=False, help_text="Imported from the old system.")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    objects = OutboundEmailQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["enrollment", "step"], name="one_email_per_step"),
        ]
        indexes = [
            models.Index(
                fields=["send_after"], condition=Q(status="queued"), name="outbound_due"
            ),  # used by outreach.tasks.send_due
            models.Index(
                fields=["lease_until"], condition=Q(status="sending"), name="outbound_leased"
            ),  # expired-lease sweep
            models.Index(fields=["inbox", "sent_at"], name="outbound_inbox_sent"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.recipient} step {self.step} ({self.status})"


class InboundMessage(models.Model):
    class Kind(models.TextChoices):
        REPLY = "reply"
        AUTO_REPLY = "auto_reply", "Auto-reply"
        BOUNCE = "bounce"
        COMPLAINT = "complaint"
        UNSUBSCRIBE = "unsubscribe"
        OTHER = "other"

    class Match(models.TextChoices):
        IN_REPLY_TO = "in_reply_to", "In-Reply-To"
        REFERENCES = "references"
        BOUNCE_HEADERS = "bounce", "Original headers in bounce"
        SENDER = "sender"
        NONE = "", "Orphan"

    inbox = models.ForeignKey(
        "inboxes.Inbox",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="inbound_messages",
    )
    message_id = models.CharField(max_length=255, blank=True)
    raw = models.FileField(upload_to="inbound/%Y/%m/", blank=True)
    headers = models.JSONField(default=dict, blank=True)
    from_address = models.CharField(max_length=320, blank=True)
    to_address = models.CharField(max_length=320, blank=True)
    subject = models.CharField(max_length=500, blank=True)
    body_text = models.TextField(blank=True)
    received_at = models.DateTimeField(null=True, blank=True)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.OTHER)
    intent = models.CharField(max_length=32, blank=True)
    confidence = models.FloatField(null=True, blank=True)
    classification = models.JSONField(default=dict, blank=True)
    bounce_reason = models.CharField(max_length=32, blank=True)
    bounce_consequence = models.CharField(max_length=16, blank=True)
    bounce_recipient = models.CharField(max_length=320, blank=True)
    matched_outbound = models.ForeignKey(
        OutboundEmail, null=True, blank=True, on_delete=models.SET_NULL, related_name="inbound"
    )
    prospect = models.ForeignKey(
        "prospects.Prospect",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="inbound_messages",
    )
    contact = models.ForeignKey(
        "prospects.Contact",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="inbound_messages",
    )
    match = models.CharField(max_length=16, choices=Match.choices, blank=True)
    flags = models.JSONField(default=list, blank=True, help_text='e.g. ["malformed"]')
    source_uid = models.CharField(max_length=64, blank=True, help_text="IMAP UID / Graph id.")
    processed_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["inbox", "message_id"],
                condition=~Q(message_id=""),
                name="inbound_unique_message",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} from {self.from_address}: {self.subject[:60]}"


class Suppression(models.Model):
    """Never email this address (or anyone at this domain). Checked at queue and at claim."""

    class Reason(models.TextChoices):
        UNSUBSCRIBE = "unsubscribe"
        BOUNCE = "bounce", "Hard bounce"
        COMPLAINT = "complaint", "Spam complaint"
        OPT_OUT_REPLY = "opt_out_reply", "Asked to stop in a reply"
        MANUAL = "manual"
        LEGACY = "legacy", "Imported exclusion"

    email = models.EmailField(blank=True)
    domain = models.CharField(max_length=255, blank=True)
    reason = models.CharField(max_length=32, choices=Reason.choices)
    source = models.CharField(max_length=100, blank=True, help_text="What put it here.")
    detail = models.TextField(blank=True, help_text="Evidence: diagnostic, reply text, ...")
    created_by = models.CharField(max_length=150, default="system")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(email="") & ~Q(domain="")) | (~Q(email="") & Q(domain="")),
                name="suppression_email_xor_domain",
            ),
            models.UniqueConstraint(
                Lower("email"), condition=~Q(email=""), name="suppression_unique_email"
            ),
            models.UniqueConstraint(
                Lower("domain"), condition=~Q(domain=""), name="suppression_unique_domain"
            ),
        ]

    def __str__(self) -> str:
        return self.email or f"@{self.domain}"


class UnsubscribeToken(models.Model):
    """Random, stored per recipient: never derived from SECRET_KEY, so rotation breaks no link."""

    email = models.EmailField()
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("email"), name="unsubscribetoken_unique_email"),
        ]

    def __str__(self) -> str:
        return self.email


class ShadowSend(models.Model):
    """An email shadow mode (``JENGU_SHADOW``) would have sent: recorded, never transmitted.

    The evidence of the migration's parallel run, compared with the old system's sends by
    ``manage.py shadow_report``. The same queued email may be recorded once a day.
    """

    email = models.ForeignKey(
        OutboundEmail,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="shadow_sends",
    )
    inbox = models.ForeignKey(
        "inboxes.Inbox",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="shadow_sends",
    )
    from_address = models.EmailField(blank=True)
    recipient = models.EmailField(help_text="Lower-cased.")
    step = models.PositiveSmallIntegerField()
    subject = models.CharField(max_length=300, blank=True)
    message_id = models.CharField(max_length=255)
    at = models.DateTimeField(db_index=True, help_text="When it would have gone out.")

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "at"], name="shadowsend_recipient"),
        ]  # shadow_report: who would have been mailed in a period

    def __str__(self) -> str:
        return f"{self.recipient} step {self.step} at {self.at:%Y-%m-%d %H:%M}"
