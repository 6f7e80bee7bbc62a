"""Per-recipient-domain and per-provider daily send counters (``outreach.services.domaincaps``)."""

from __future__ import annotations

from django.db import models


class DomainDay(models.Model):
    """One counter per registrable recipient domain (or mailbox provider) per UTC day.

    Locked with ``select_for_update`` in the claim's transaction, like the inboxes' warmup day:
    ``reserved`` holds claims in flight, ``sent`` the emails that reached the domain's server.
    """

    class Kind(models.TextChoices):
        DOMAIN = "domain"
        PROVIDER = "provider"

    kind = models.CharField(max_length=16, choices=Kind.choices)
    key = models.CharField(max_length=253, help_text="Registrable domain, or provider name.")
    day = models.DateField(help_text="UTC day.")
    reserved = models.PositiveIntegerField(default=0)
    sent = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-day", "kind", "key"]
        constraints = [
            # Day first: the claim looks up (day, kind, key), the status and forecast a day.
            models.UniqueConstraint(fields=["day", "kind", "key"], name="domainday_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.key} {self.day}: {self.reserved + self.sent}"
