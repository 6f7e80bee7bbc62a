"""A record of every AI / vendor call (the limiter's counter rows are in core)."""

from __future__ import annotations

from decimal import Decimal

from django.db import models

from core.ratelimit import Outcome as CallOutcome


class AIUsage(models.Model):
    Outcome = CallOutcome  # AIUsage.Outcome.OK etc.: the limiter's outcomes

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
