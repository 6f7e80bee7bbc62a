"""Prospects (the businesses, hotels first) and the people we write to there."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower


class ProspectQuerySet(models.QuerySet["Prospect"]):
    def active(self) -> ProspectQuerySet:
        return self.filter(archived=False)

    def ready(self) -> ProspectQuerySet:
        return self.active().filter(stage=Prospect.Stage.READY)


class Prospect(models.Model):
    class Stage(models.TextChoices):
        NEW = "new"
        ENRICHING = "enriching"
        ENRICHED = "enriched"
        READY = "ready"
        CONTACTED = "contacted"
        ENGAGED = "engaged"
        MEETING = "meeting"
        WON = "won"
        LOST = "lost"

    class Tier(models.TextChoices):
        HOT = "hot"
        WARM = "warm"
        COLD = "cold"

    class PropertyType(models.TextChoices):
        HOTEL = "hotel"
        BOUTIQUE = "boutique_hotel", "Boutique hotel"
        RESORT = "resort"
        BNB = "bnb", "B&B / guesthouse"
        HOSTEL = "hostel"
        APARTMENTS = "apartments", "Serviced apartments"
        OTHER = "other"
        UNKNOWN = "", "Unknown"

    name = models.CharField(max_length=255)
    # Normalized dedup keys (prospects.normalize): case, accents, punctuation, "Hotel"/"The".
    name_key = models.CharField(max_length=255, editable=False)
    city = models.CharField(max_length=120, blank=True)
    city_key = models.CharField(max_length=120, blank=True, editable=False)
    country = models.CharField(max_length=80, blank=True)
    timezone = models.CharField(
        max_length=64, blank=True, help_text="IANA zone; empty = derived from country/city."
    )
    website = models.URLField(max_length=500, blank=True)
    domain = models.CharField(max_length=255, blank=True, editable=False)
    phone = models.CharField(max_length=64, blank=True)
    description = models.TextField(blank=True)
    property_type = models.CharField(max_length=32, choices=PropertyType.choices, blank=True)
    stage = models.CharField(max_length=16, choices=Stage.choices, default=Stage.NEW)
    tier = models.CharField(max_length=8, choices=Tier.choices, default=Tier.COLD)
    score = models.PositiveSmallIntegerField(default=0)
    score_detail = models.JSONField(default=dict, blank=True)
    lead_source = models.CharField(max_length=64, blank=True)
    source_url = models.URLField(max_length=500, blank=True)
    notes = models.TextField(blank=True)
    tags = models.JSONField(default=list, blank=True)
    social = models.JSONField(default=dict, blank=True)
    archived = models.BooleanField(default=False)
    archived_reason = models.CharField(max_length=200, blank=True)
    lost_reason = models.CharField(max_length=200, blank=True)
    legacy_id = models.CharField(max_length=64, blank=True, help_text="Id in the old system.")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    enriched_at = models.DateTimeField(null=True, blank=True)
    enrichment = models.JSONField(
        default=dict, blank=True, help_text="The last enrichment's findings (pages, emails ...)."
    )
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="merged_from",
        help_text="Set when an operator merged this duplicate into another prospect.",
    )
    last_contacted_at = models.DateTimeField(null=True, blank=True)
    replied_at = models.DateTimeField(null=True, blank=True)

    objects = ProspectQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["name_key", "city_key"],
                condition=~Q(name_key=""),
                name="prospect_unique_name_city",
            ),
            models.UniqueConstraint(
                fields=["domain"], condition=~Q(domain=""), name="prospect_unique_domain"
            ),
        ]
        indexes = [
            models.Index(fields=["stage", "archived"], name="prospect_stage"),
            models.Index(fields=["tier", "-score"], name="prospect_tier_score"),
            models.Index(fields=["city_key"], name="prospect_city"),  # near-duplicate hints
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.city})" if self.city else self.name


class Contact(models.Model):
    class Verification(models.TextChoices):
        VALID = "valid"
        CATCH_ALL = "catch_all", "Catch-all"
        RISKY = "risky"
        INVALID = "invalid"
        UNKNOWN = "unknown"

    prospect = models.ForeignKey(Prospect, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(max_length=200, blank=True)
    title = models.CharField(max_length=200, blank=True)
    email = models.EmailField(max_length=254, blank=True)
    verification = models.CharField(
        max_length=16, choices=Verification.choices, default=Verification.UNKNOWN
    )
    verification_evidence = models.JSONField(default=dict, blank=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    soft_bounces = models.JSONField(
        default=list, blank=True, help_text="Dates of recent soft bounces (escalation rule)."
    )
    is_role = models.BooleanField(default=False, help_text="info@, reservations@, ...")
    mx_provider = models.CharField(
        max_length=32,
        blank=True,
        help_text="Mailbox provider behind the domain, from the MX seen at verification "
        "(prospects.mxproviders); empty = none recognised. Read by the per-provider send cap.",
    )
    is_primary = models.BooleanField(default=True)
    linkedin_url = models.URLField(max_length=500, blank=True)
    phone = models.CharField(max_length=64, blank=True)
    source = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["prospect_id", "-is_primary", "id"]
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="contact_newest")
        ]  # the admin's contacts, newest first
        constraints = [
            models.UniqueConstraint(
                Lower("email"), condition=~Q(email=""), name="contact_unique_email"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>" if self.name else self.email or f"contact #{self.pk}"

    @property
    def first_name(self) -> str:
        return self.name.split()[0] if self.name.strip() else ""


class ProspectEvent(models.Model):
    """The prospect's timeline: stage changes, enrichment results, operator actions."""

    prospect = models.ForeignKey(Prospect, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=32)
    message = models.CharField(max_length=500)
    data = models.JSONField(default=dict, blank=True)
    actor = models.CharField(max_length=150, default="system")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.message


class DuplicateHint(models.Model):
    """A near-duplicate (same city, similar name) for the operator to merge or dismiss."""

    class Status(models.TextChoices):
        OPEN = "open"
        MERGED = "merged"
        DISMISSED = "dismissed"

    prospect = models.ForeignKey(Prospect, on_delete=models.CASCADE, related_name="+")
    other = models.ForeignKey(Prospect, on_delete=models.CASCADE, related_name="+")
    similarity = models.FloatField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["prospect", "other"], name="duplicatehint_unique_pair"),
        ]

    def __str__(self) -> str:
        return f"{self.prospect_id} ~ {self.other_id} ({self.similarity:.0f})"


class PipelineRun(models.Model):
    class Kind(models.TextChoices):
        DAILY = "daily", "Daily pipeline"
        SCRAPE = "scrape", "Sourcing (trigger-scrape)"
        IMPORT = "import"
        ENRICH = "enrich", "Enrichment"

    class Status(models.TextChoices):
        RUNNING = "running"
        DONE = "done"
        FAILED = "failed"

    kind = models.CharField(max_length=16, choices=Kind.choices)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.RUNNING)
    trigger = models.CharField(max_length=64, default="schedule")
    counts = models.JSONField(default=dict, blank=True)
    errors = models.JSONField(default=list, blank=True)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk} ({self.status})"


def new_checkpoint() -> dict:
    """Where a new import job starts (services.import_jobs explains each key)."""
    return {"items": 0, "rows_complete": False, "ids": None, "city": ""}


class ImportJob(models.Model):
    """A file of prospects imported by a task, in checkpointed chunks (services.import_jobs)."""

    class State(models.TextChoices):
        QUEUED = "queued"
        RUNNING = "running"
        DONE = "done"
        FAILED = "failed"

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    file = models.FileField(upload_to="imports/jobs/%Y/%m/")
    name = models.CharField(max_length=255, help_text="The uploaded file's name.")
    source = models.CharField(
        max_length=64, blank=True, help_text="lead_source for rows without one"
    )
    format = models.CharField(max_length=32, blank=True)
    trigger = models.CharField(max_length=64, blank=True)
    state = models.CharField(max_length=16, choices=State.choices, default=State.QUEUED)
    rows_total = models.PositiveIntegerField(default=0, help_text="Records in the file.")
    rows_done = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    duplicates = models.PositiveIntegerField(default=0)
    hints = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True, help_text="The first row errors.")
    error_count = models.PositiveIntegerField(default=0)
    checkpoint = models.JSONField(default=new_checkpoint, blank=True)
    run = models.ForeignKey(
        PipelineRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Import #{self.pk} {self.name} ({self.state})"


class CrawlHost(models.Model):
    """When the next request to a web host may start: the polite rate per domain, shared by
    every worker on every machine (a row locked with select_for_update)."""

    host = models.CharField(max_length=255, unique=True)
    next_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.host
