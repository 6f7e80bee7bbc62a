"""Cross-cutting operations models: dead letters, the audit log, switches, alerts, maintenance,
and the rate limiter's counter rows."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q


class DeadLetter(models.Model):
    """Work that exhausted its retries, or that only an operator may decide (delivery unknown)."""

    class Kind(models.TextChoices):
        SEND = "send", "Send failed"
        DELIVERY_UNKNOWN = "delivery_unknown", "Delivery unknown"
        ENRICHMENT = "enrichment"
        FINDER = "finder", "Email finder"
        AI = "ai", "AI"
        INBOUND = "inbound"
        ALERT = "alert"
        TASK = "task", "Other task"

    class Resolution(models.TextChoices):
        REPLAYED = "replayed"
        DISCARDED = "discarded"
        ASSUMED_DELIVERED = "assumed_delivered", "Assumed delivered"
        SENT_AGAIN = "sent_again", "Sent again"

    kind = models.CharField(max_length=32, choices=Kind.choices, db_index=True)
    task_name = models.CharField(max_length=200, blank=True, help_text="Dotted task to replay.")
    payload = models.JSONField(default=dict, blank=True)
    payload_file = models.FileField(upload_to="dead-letters/%Y/%m/", blank=True)
    error = models.TextField(blank=True)
    attempts = models.PositiveIntegerField(default=0)
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution = models.CharField(max_length=32, choices=Resolution.choices, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["kind", "created_at"],
                condition=Q(resolved_at__isnull=True),
                name="deadletter_open",
            ),  # the admin's default view
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def is_resolved(self) -> bool:
        return self.resolved_at is not None


class AuditLog(models.Model):
    """Who did which operator action to what, and when. Append-only."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=150, default="system")
    action = models.CharField(max_length=64, db_index=True)
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(max_length=200, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object")]

    def __str__(self) -> str:
        return f"{self.actor_label} {self.action} {self.object_type}:{self.object_id}"


class Switch(models.Model):
    """Named global switches; ``emergency_stop`` halts all sending, checked at claim time."""

    EMERGENCY_STOP = "emergency_stop"

    name = models.CharField(max_length=64, unique=True)
    active = models.BooleanField(default=False)
    reason = models.CharField(max_length=300, blank=True)
    changed_at = models.DateTimeField(auto_now=True)
    changed_by = models.CharField(max_length=150, blank=True)

    def __str__(self) -> str:
        return f"{self.name}: {'ON' if self.active else 'off'}"


class Alert(models.Model):
    """An operator alert: shown in the admin and delivered to ALERT_WEBHOOK_URL if set."""

    class Kind(models.TextChoices):
        MEETING_REQUEST = "meeting_request"
        INTERESTED = "interested"
        MANUAL_REVIEW = "manual_review"
        INBOX_PAUSED = "inbox_paused"
        DEAD_LETTER = "dead_letter"
        OTHER = "other"

    class Delivery(models.TextChoices):
        PENDING = "pending"
        DELIVERED = "delivered"
        FAILED = "failed"
        SKIPPED = "skipped", "Not delivered (no webhook)"
        SUPPRESSED = "suppressed", "Rate-limited"

    kind = models.CharField(max_length=32, choices=Kind.choices, db_index=True)
    title = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    dedup_key = models.CharField(max_length=200, blank=True)
    delivery = models.CharField(max_length=16, choices=Delivery.choices, default=Delivery.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["dedup_key"], condition=~Q(dedup_key=""), name="alert_unique_dedup_key"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class MaintenanceReport(models.Model):
    """What one weekly maintenance run did (``console.maintenance.run_weekly``)."""

    class Status(models.TextChoices):
        RUNNING = "running"
        OK = "ok", "OK"
        PARTIAL = "partial", "Some steps failed"

    started_at = models.DateTimeField(db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.RUNNING)
    trigger = models.CharField(max_length=64, default="schedule")
    steps = models.JSONField(default=dict, blank=True, help_text="Counts per step.")
    errors = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"Maintenance {self.started_at:%Y-%m-%d %H:%M} ({self.status})"


class AIUsageDaily(models.Model):
    """AI/vendor calls older than the detail window, summed per day (weekly maintenance)."""

    date = models.DateField()
    provider = models.CharField(max_length=32)
    model = models.CharField(max_length=100, blank=True)
    purpose = models.CharField(max_length=32, blank=True)
    outcome = models.CharField(max_length=16)
    calls = models.PositiveIntegerField(default=0)
    tokens_in = models.PositiveBigIntegerField(default=0)
    tokens_out = models.PositiveBigIntegerField(default=0)
    cost_usd = models.DecimalField(max_digits=14, decimal_places=6, default=Decimal("0"))
    latency_ms_total = models.PositiveBigIntegerField(default=0)

    class Meta:
        ordering = ["-date", "provider", "model", "purpose", "outcome"]
        verbose_name = "AI usage (daily rollup)"
        verbose_name_plural = "AI usage (daily rollups)"
        constraints = [
            models.UniqueConstraint(
                fields=["date", "provider", "model", "purpose", "outcome"],
                name="aiusagedaily_unique_key",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.provider}/{self.model} {self.purpose} {self.outcome}"


class ProviderWindow(models.Model):
    """Usage of one provider in one window (minute or day), reserved under a row lock.

    Provider ``budget`` with window ``day`` holds the global dollar spend of the day. The table
    keeps the name it had under aiengine.
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
        db_table = "aiengine_providerwindow"
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

    class Meta:
        db_table = "aiengine_providerstate"

    def __str__(self) -> str:
        return self.provider
