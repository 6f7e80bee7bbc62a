"""Open and click tracking hits (opt-in per campaign; README "Tracking")."""

from __future__ import annotations

from django.db import models

from outreach.models.campaigns import Campaign
from outreach.models.ledger import OutboundEmail


class TrackingEvent(models.Model):
    """One fetch of a tracking pixel or one followed tracked link.

    ``suspect`` hits (a known scanner or proxy, or a fetch within seconds of delivery) are kept
    and counted apart from the humans', never dropped: the operator sees how many there were.
    """

    class Kind(models.TextChoices):
        OPEN = "open"
        CLICK = "click"

    kind = models.CharField(max_length=8, choices=Kind.choices)
    email = models.ForeignKey(
        OutboundEmail, on_delete=models.CASCADE, related_name="tracking_events"
    )
    # Denormalized from the email's enrollment: the campaign's counts read one table.
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="tracking_events")
    at = models.DateTimeField()
    url = models.URLField(max_length=2000, blank=True, help_text="A click's destination.")
    user_agent = models.CharField(max_length=400, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    suspect = models.BooleanField(default=False)
    suspect_reason = models.CharField(max_length=80, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["email", "kind"], name="tracking_email"),  # the email's page
            models.Index(fields=["campaign", "kind"], name="tracking_campaign"),  # its counts
        ]

    def __str__(self) -> str:
        return f"{self.kind} of email {self.email_id} at {self.at:%Y-%m-%d %H:%M:%S}"
