"""Mailboxes we send from (SMTP, Microsoft Graph, Maildir) and their daily warmup counters."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from core.crypto import EncryptedTextField


class InboxQuerySet(models.QuerySet["Inbox"]):
    def sendable(self) -> InboxQuerySet:
        return self.filter(status=Inbox.Status.ACTIVE)

    def with_reader(self) -> InboxQuerySet:
        return self.exclude(status=Inbox.Status.DISABLED).filter(reader_enabled=True)


class Inbox(models.Model):
    class Provider(models.TextChoices):
        SMTP = "smtp", "SMTP"
        GRAPH = "graph", "Microsoft Graph"
        MAILDIR = "maildir", "Maildir (offline)"

    class Source(models.TextChoices):
        ENV = "env", "Environment"
        ADMIN = "admin", "Admin"

    class Status(models.TextChoices):
        ACTIVE = "active"
        PAUSED = "paused"
        DISABLED = "disabled"

    class Circuit(models.TextChoices):
        CLOSED = "closed"
        OPEN = "open"
        HALF_OPEN = "half_open", "Half-open"

    key = models.SlugField(
        max_length=64,
        unique=True,
        help_text="smtp-N for SMTP_INBOX_N, graph for the Azure mailbox.",
    )
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.ADMIN)
    provider = models.CharField(max_length=16, choices=Provider.choices)
    address = models.EmailField()
    display_name = models.CharField(max_length=120, blank=True)
    # SMTP
    smtp_host = models.CharField(max_length=255, blank=True)
    smtp_port = models.PositiveIntegerField(default=587)
    username = models.CharField(max_length=255, blank=True, help_text="Defaults to the address.")
    password = EncryptedTextField(blank=True)
    # Reading replies
    reader_enabled = models.BooleanField(default=True)
    imap_host = models.CharField(max_length=255, blank=True)
    imap_port = models.PositiveIntegerField(default=993)
    imap_folder = models.CharField(max_length=120, default="INBOX")
    imap_sent_folder = models.CharField(
        max_length=120, blank=True, help_text="Where the server keeps sent mail; for reconciling."
    )
    imap_readonly = models.BooleanField(default=True)
    imap_uidvalidity = models.BigIntegerField(null=True, blank=True, editable=False)
    imap_last_uid = models.BigIntegerField(default=0, editable=False)
    graph_last_received_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_checked_at = models.DateTimeField(null=True, blank=True)
    reader_lock_until = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="One reply check per inbox at a time."
    )
    reader_failures = models.PositiveIntegerField(default=0)
    reader_error = models.TextField(blank=True)
    reader_retry_at = models.DateTimeField(
        null=True, blank=True, help_text="Reader circuit: no check before this."
    )
    dkim_selector = models.CharField(
        max_length=63,
        blank=True,
        help_text="DKIM selector the provider signs with (DNS preflight); empty = try common ones.",
    )
    maildir_path = models.CharField(
        max_length=500, blank=True, help_text="Empty = JENGU_MAILDIR_ROOT/<key>."
    )
    # Warmup
    timezone = models.CharField(max_length=64, default="UTC", help_text="Its 'day' for warmup.")
    warmup_start = models.DateField(
        null=True, blank=True, help_text="Week 1 starts here; empty = set at its first send."
    )
    warmup_schedule = models.CharField(
        max_length=100,
        blank=True,
        help_text="Per-day limit by week, e.g. 5,10,15,18,20. Empty = WARMUP_SCHEDULE.",
    )
    # Health (InboxState)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    pause_reason = models.CharField(max_length=300, blank=True)
    paused_at = models.DateTimeField(null=True, blank=True)
    circuit = models.CharField(max_length=16, choices=Circuit.choices, default=Circuit.CLOSED)
    consecutive_failures = models.PositiveIntegerField(default=0)
    circuit_opened_at = models.DateTimeField(null=True, blank=True)
    bounce_rate = models.FloatField(default=0.0, help_text="Rolling window; recomputed on events.")
    bounce_sample = models.PositiveIntegerField(default=0)
    complaint_rate = models.FloatField(default=0.0)
    last_error = models.TextField(blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_send_at = models.DateTimeField(null=True, blank=True)
    next_send_at = models.DateTimeField(
        null=True, blank=True, help_text="Earliest next send (random gap between sends)."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = InboxQuerySet.as_manager()

    class Meta:
        ordering = ["key"]
        verbose_name_plural = "inboxes"

    def __str__(self) -> str:
        return f"{self.key} <{self.address}>"

    @property
    def domain(self) -> str:
        return self.address.rpartition("@")[2].lower()


class InboxDay(models.Model):
    """The WarmupCounter: one row per inbox per inbox-local day, reserved under a row lock."""

    inbox = models.ForeignKey(Inbox, on_delete=models.CASCADE, related_name="days")
    date = models.DateField()
    limit = models.PositiveIntegerField()
    reserved = models.PositiveIntegerField(default=0, help_text="Claimed, not yet settled.")
    sent = models.PositiveIntegerField(default=0, help_text="Slots used: accepted or rejected.")
    bounced = models.PositiveIntegerField(default=0)
    complaints = models.PositiveIntegerField(default=0)
    sender_problems = models.PositiveIntegerField(default=0, help_text="Blocked/spam/policy.")
    failed = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-date", "inbox_id"]
        constraints = [
            models.UniqueConstraint(fields=["inbox", "date"], name="inboxday_unique_inbox_date"),
            models.CheckConstraint(condition=Q(reserved__gte=0), name="inboxday_reserved_gte_0"),
        ]

    def __str__(self) -> str:
        return f"{self.inbox_id} {self.date}: {self.sent}+{self.reserved}/{self.limit}"

    @property
    def remaining(self) -> int:
        return max(0, self.limit - self.reserved - self.sent)


# --- inbox-placement tests (README "Inbox-placement tests") --------------------------------------
class SeedMailbox(models.Model):
    """A mailbox the operator owns at a mailbox provider, read over IMAP to see where a test
    message landed. ``seed-N`` for ``SEED_MAILBOX_N``, a slug for one made in the admin."""

    key = models.SlugField(max_length=64, unique=True)
    source = models.CharField(
        max_length=8, choices=Inbox.Source.choices, default=Inbox.Source.ADMIN
    )
    email = models.EmailField()
    username = models.CharField(max_length=255, blank=True, help_text="Defaults to the email.")
    password = EncryptedTextField(blank=True)
    imap_host = models.CharField(max_length=255)
    imap_port = models.PositiveIntegerField(default=993)
    label = models.CharField(max_length=120, blank=True, help_text="e.g. Gmail, Outlook.com")
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["key"]

    def __str__(self) -> str:
        return f"{self.key} <{self.email}>" + (f" ({self.label})" if self.label else "")


class PlacementRun(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued"
        SENDING = "sending"
        WAITING = "waiting", "Waiting for delivery"
        DONE = "done"

    state = models.CharField(max_length=16, choices=State.choices, default=State.QUEUED)
    inbox_keys = models.JSONField(default=list, blank=True, help_text="Empty = every active inbox.")
    wait_minutes = models.PositiveIntegerField(default=10)
    started_by = models.CharField(max_length=150, blank=True)
    notes = models.JSONField(default=list, blank=True, help_text="Skipped inboxes, bad seeds.")
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    check_after = models.DateTimeField(null=True, blank=True)
    checked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"placement run #{self.pk} ({self.state})"


class PlacementResult(models.Model):
    class Outcome(models.TextChoices):
        PENDING = "pending"
        INBOX = "inbox"
        SPAM = "spam"
        MISSING = "missing"
        NOT_SENT = "not_sent", "Not sent"
        UNREADABLE = "unreadable", "Seed unreadable"

    run = models.ForeignKey(PlacementRun, on_delete=models.CASCADE, related_name="results")
    inbox = models.ForeignKey(Inbox, on_delete=models.CASCADE, related_name="placements")
    seed = models.ForeignKey(SeedMailbox, on_delete=models.CASCADE, related_name="placements")
    message_id = models.CharField(max_length=255, blank=True)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, default=Outcome.PENDING)
    folder = models.CharField(max_length=255, blank=True)
    detail = models.CharField(max_length=500, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["run_id", "inbox_id", "seed_id"]
        constraints = [
            models.UniqueConstraint(fields=["run", "inbox", "seed"], name="placement_one_per_pair")
        ]
        indexes = [models.Index(fields=["inbox", "-run"], name="placement_by_inbox")]

    def __str__(self) -> str:
        return f"{self.inbox_id} -> {self.seed_id}: {self.outcome}"


class InboxPreflight(models.Model):
    """The last DNS preflight of an inbox's sending domain (inboxes.services.preflight)."""

    inbox = models.OneToOneField(
        Inbox, on_delete=models.CASCADE, primary_key=True, related_name="preflight"
    )
    domain = models.CharField(max_length=255, blank=True)
    checked_at = models.DateTimeField(null=True, blank=True)
    results = models.JSONField(default=dict, help_text='{"mx": {"result", "reason"}, ...}')
    blocking = models.BooleanField(
        default=False, help_text="SPF or DMARC alignment fails: enforce mode holds its sends."
    )
    override_at = models.DateTimeField(
        null=True, blank=True, help_text="An operator let it send despite a blocking result."
    )
    override_by = models.CharField(max_length=150, blank=True)

    def __str__(self) -> str:
        return f"preflight {self.inbox_id} {self.domain}"
