"""Inbound messages: replies, bounces, complaints, matched to the ledger when possible."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from outreach.models.ledger import OutboundEmail


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
    # The operator's workspace (the unified inbox): written by outreach.services.replies.
    read_at = models.DateTimeField(null=True, blank=True, help_text="Empty = unread.")
    snoozed_until = models.DateTimeField(
        null=True, blank=True, help_text="Out of the unread list until then."
    )
    meeting_booked_at = models.DateTimeField(null=True, blank=True)
    intent_corrected = models.BooleanField(
        default=False,
        help_text="The intent is the operator's; the classifier's stays in classification.",
    )
    corrected_by = models.CharField(max_length=150, blank=True)
    corrected_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["-created_at", "-id"], condition=Q(kind="reply"), name="inbound_replies"
            ),  # the unified inbox: human replies, newest first
            models.Index(
                fields=["snoozed_until"],
                condition=Q(kind="reply", read_at__isnull=True),
                name="inbound_unread",
            ),  # the unread count (dashboard, replies page): unread replies only
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["inbox", "message_id"],
                condition=~Q(message_id=""),
                name="inbound_unique_message",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} from {self.from_address}: {self.subject[:60]}"


class ReplyManager(models.Manager["Reply"]):
    def get_queryset(self) -> models.QuerySet[Reply]:
        return super().get_queryset().filter(kind=InboundMessage.Kind.REPLY)


class Reply(InboundMessage):
    """A human reply (kind ``reply``): the unified inbox's rows ("Replies" in the admin)."""

    objects = ReplyManager()  # type: ignore[misc]  # the proxy narrows the rows

    class Meta:
        proxy = True
        verbose_name_plural = "replies"
        ordering = ["-created_at", "-id"]
