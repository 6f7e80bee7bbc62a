"""The send ledger (one row per email, created before anything is sent) and shadow sends."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper

from outreach.models.campaigns import Enrollment


class OutboundEmailQuerySet(models.QuerySet["OutboundEmail"]):
    def in_flight(self) -> OutboundEmailQuerySet:
        return self.filter(status__in=OutboundEmail.IN_FLIGHT)


class OutboundEmail(models.Model):
    """The send ledger. Created before anything is sent; claimed, sent, then settled."""

    class Status(models.TextChoices):
        DRAFT = "draft"
        # A first email of a campaign that reviews them: never claimed until approved.
        AWAITING_APPROVAL = "awaiting_approval", "Awaiting approval"
        QUEUED = "queued"
        SENDING = "sending"
        SENT = "sent"
        FAILED = "failed"
        BOUNCED = "bounced"
        UNKNOWN = "unknown"  # lease expired mid-send: reconcile, never resend blindly
        CANCELLED = "cancelled"
        SHADOW = "shadow", "Shadow (not sent)"
        REJECTED = "rejected"  # the operator refused the draft: never sent

    IN_FLIGHT = (
        Status.DRAFT,
        Status.AWAITING_APPROVAL,
        Status.QUEUED,
        Status.SENDING,
        Status.UNKNOWN,
    )

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
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    send_after = models.DateTimeField()
    claim_token = models.UUIDField(null=True, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    reserved_day = models.DateField(
        null=True, blank=True, help_text="Inbox-local day whose warmup slot this holds."
    )
    cap_day = models.DateField(
        null=True, blank=True, help_text="UTC day whose domain/provider cap slots this holds."
    )
    cap_provider = models.CharField(
        max_length=32, blank=True, help_text="Mailbox provider whose cap slot this holds."
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    provider_message_id = models.CharField(max_length=255, blank=True)
    last_error = models.TextField(blank=True)
    bounce_reason = models.CharField(max_length=32, blank=True)
    strategy = models.CharField(max_length=32, blank=True)
    variant = models.CharField(max_length=1, blank=True, help_text="A/B variant label.")
    ai_provider = models.CharField(max_length=32, blank=True)
    ai_model = models.CharField(max_length=100, blank=True)
    prompt_version = models.CharField(max_length=64, blank=True)
    offline = models.BooleanField(default=False, help_text="Written by the offline writer.")
    writer_facts = models.JSONField(
        default=dict, blank=True, help_text="The prospect's facts the writer was given."
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Who approved or rejected the draft.",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.CharField(max_length=300, blank=True, help_text="Why it was rejected.")
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
            models.Index(
                fields=["created_at"],
                condition=Q(status="awaiting_approval"),
                name="outbound_awaiting",
            ),  # the approval queue
            models.Index(
                Upper("recipient"), "inbox", name="outbound_recipient_ci"
            ),  # a reply matched by its sender (recipient__iexact): without it, every email
            # this inbox ever sent is read
            models.Index(
                fields=["status", "-created_at", "-id"], name="outbound_status_newest"
            ),  # the admin's status filter (newest first) and the dashboard's counts by status
            models.Index(
                fields=["sent_at"], condition=Q(sent_at__isnull=False), name="outbound_sent_at"
            ),  # the dashboard's "sent in the last 24 hours"
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.recipient} step {self.step} ({self.status})"


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
