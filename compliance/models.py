"""The suppression list (address or domain) and per-recipient unsubscribe tokens.

Both tables keep the names they had under ``outreach`` (``db_table``), so an existing database
keeps its rows: the move was a change of Django state only.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower


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
    # An erased person (GDPR): only salted hashes of the address and of its domain stay
    # (``compliance.hashing``), so the address is never contacted nor stored again.
    email_hash = models.CharField(max_length=64, blank=True, db_index=True)
    domain_hash = models.CharField(max_length=64, blank=True)
    reason = models.CharField(max_length=32, choices=Reason.choices)
    source = models.CharField(max_length=100, blank=True, help_text="What put it here.")
    detail = models.TextField(blank=True, help_text="Evidence: diagnostic, reply text, ...")
    created_by = models.CharField(max_length=150, default="system")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "outreach_suppression"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(email="") & ~Q(domain="") & Q(email_hash=""))
                | (~Q(email="") & Q(domain="") & Q(email_hash=""))
                | (Q(email="") & Q(domain="") & ~Q(email_hash="")),
                name="suppression_email_xor_domain_xor_hash",
            ),
            models.UniqueConstraint(
                fields=["email_hash"],
                condition=~Q(email_hash=""),
                name="suppression_unique_email_hash",
            ),
            models.UniqueConstraint(
                Lower("email"), condition=~Q(email=""), name="suppression_unique_email"
            ),
            models.UniqueConstraint(
                Lower("domain"), condition=~Q(domain=""), name="suppression_unique_domain"
            ),
        ]

    def __str__(self) -> str:
        if self.email_hash:
            return f"erased subject (hash {self.email_hash[:12]}…)"
        return self.email or f"@{self.domain}"

    @property
    def is_hashed(self) -> bool:
        return bool(self.email_hash)


class SuppressionSalt(models.Model):
    """The one salt of the hashed suppressions: random, made on first use, kept in the
    database (never derived from SECRET_KEY, so a key rotation keeps every hash matching)."""

    salt = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return "suppression salt"


class UnsubscribeToken(models.Model):
    """Random, stored per recipient: never derived from SECRET_KEY, so rotation breaks no link."""

    email = models.EmailField()
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "outreach_unsubscribetoken"
        constraints = [
            models.UniqueConstraint(Lower("email"), name="unsubscribetoken_unique_email"),
        ]

    def __str__(self) -> str:
        return self.email
