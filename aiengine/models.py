"""The RateLimiter as rows, and a record of every AI / vendor call."""

from __future__ import annotations

from decimal import Decimal

from django.db import models


class ProviderWindow(models.Model):
    """Usage of one provider in one window (minute or day), reserved under a row lock.

    Provider ``budget`` with window ``day`` holds the global dollar spend of the day.
    """

    class Window(models.TextChoices):
        MINUTE = "minute"
        DAY = "day"

    provider = models.CharField(max_length=32)
    window = models.CharField(max_length=8, choices=Window.choices)
    window_start = models.DateTimeField()
    requests = models.PositiveIntegerField(default=0)
    tokens = models.PositiveBigIntegerField(default=0)
    cost_usd = models.DecimalField(max_digits=12, decimal_places=6, default=Decimal("0"))

    class Meta:
        ordering = ["-window_start", "provider"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "window", "window_start"], name="providerwindow_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.window} {self.window_start:%Y-%m-%d %H:%M}"


class ProviderState(models.Model):
    """Backoff after a 429 / Retry-After (30 s doubling to 300 s) and the last error."""

    provider = models.CharField(max_length=32, unique=True)
    backoff_until = models.DateTimeField(null=True, blank=True)
    backoff_seconds = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.provider


class AIUsage(models.Model):
    class Outcome(models.TextChoices):
        OK = "ok"
        RATE_LIMITED = "rate_limited"
        ERROR = "error"
        TIMEOUT = "timeout"
        INVALID = "invalid", "Invalid output"
        REFUSED = "refused", "Refused by limiter"

    provider = models.CharField(max_length=32, db_index=True)
    model = models.CharField(max_length=100, blank=True)
    purpose = models.CharField(max_length=32, help_text="write, classify, verify, ...")
    tokens_in = models.PositiveIntegerField(default=0)
    tokens_out = models.PositiveIntegerField(default=0)
    cost_usd = models.DecimalField(max_digits=12, decimal_places=6, default=Decimal("0"))
    latency_ms = models.PositiveIntegerField(default=0)
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "AI usage"
        verbose_name_plural = "AI usage"

    def __str__(self) -> str:
        return f"{self.provider}/{self.model} {self.purpose} {self.outcome}"
