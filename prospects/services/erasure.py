"""Erasing a prospect's rows (GDPR): ``privacy.services.erase_prospect`` calls this last, after
the apps above have removed what points at the prospect (enrollments, emails, messages)."""

from __future__ import annotations

from django.core.files.storage import default_storage
from django.db.models import Q

from core.erasure import text_q
from core.errors import NotFound
from prospects.emails import is_role_address
from prospects.models import (
    Contact,
    DuplicateHint,
    ImportJob,
    PipelineRun,
    Prospect,
    ProspectEvent,
)

MIN_LOCAL_PART = 6


def prospect_personal_data(prospect_id: int) -> dict[str, list[str]]:
    """What identifies the prospect's people: their addresses and names (the prospect's too)."""
    prospect = Prospect.objects.filter(pk=prospect_id).first()
    if prospect is None:
        raise NotFound(f"no prospect {prospect_id}", code="prospect_not_found")
    contacts = list(Contact.objects.filter(prospect_id=prospect_id))
    emails = sorted({c.email.strip().lower() for c in contacts if c.email.strip()})
    return {
        "emails": emails,
        "names": sorted({n.strip() for n in [prospect.name, *(c.name for c in contacts)] if n}),
        "local_parts": _distinctive_local_parts(emails, prospect_id),
        "contact_ids": [str(c.pk) for c in contacts],
    }


def _distinctive_local_parts(emails: list[str], prospect_id: int) -> list[str]:
    """``maria.lopez`` of ``maria.lopez@hotel.example``: a person's, unique in the database,
    long enough to search for. Never a role mailbox's (``info``, ``reservations``): searching
    for those would blank every record that mentions them."""
    found = []
    for email in emails:
        local = email.partition("@")[0]
        if len(local) < MIN_LOCAL_PART or is_role_address(email):
            continue
        others = Contact.objects.filter(email__istartswith=f"{local}@").exclude(
            prospect_id=prospect_id
        )
        if not others.exists():
            found.append(local)
    return found


def prospect_lock(prospect_id: int) -> bool:
    """Lock the prospect's row for the erasure's transaction; False when it is gone."""
    return Prospect.objects.select_for_update().filter(pk=prospect_id).exists()


def prospect_erase(prospect_id: int) -> dict[str, int]:
    """Delete the prospect, its contacts, timeline and near-duplicate hints. Counts by kind."""
    counts = {
        "duplicate_hints": DuplicateHint.objects.filter(
            Q(prospect_id=prospect_id) | Q(other_id=prospect_id)
        ).delete()[0],
        "events": ProspectEvent.objects.filter(prospect_id=prospect_id).delete()[0],
        "contacts": Contact.objects.filter(prospect_id=prospect_id).delete()[0],
    }
    Prospect.objects.filter(merged_into_id=prospect_id).update(merged_into=None)
    counts["prospect"] = Prospect.objects.filter(pk=prospect_id).delete()[0]
    return counts


def import_files_mentioning(needles: list[str]) -> list[str]:
    """Stored import files that name one of ``needles`` (case-insensitive): the erasure removes
    them after its commit (the job rows keep their counts). Read whole: imports are bounded
    (JENGU_IMPORT_MAX_BYTES)."""
    wanted = [n.lower().encode() for n in needles if n]
    found = []
    for name in ImportJob.objects.exclude(file="").values_list("file", flat=True):
        try:
            with default_storage.open(name, "rb") as handle:
                data = handle.read().lower()
        except (FileNotFoundError, OSError):
            continue
        if any(n in data for n in wanted):
            found.append(name)
    return found


def import_jobs_forget_files(names: list[str]) -> int:
    """Detach these stored files from their import jobs (the files go after the commit)."""
    return ImportJob.objects.filter(file__in=names).update(file="")


def _mentions(item: object, needles: list[str]) -> bool:
    text = repr(item).lower()
    return any(n.lower() in text for n in needles)


def run_errors_scrub(*, needles: list[str]) -> int:
    """Drop the error lines that name the person from pipeline runs and import jobs."""
    scrubbed = 0
    for model in (PipelineRun, ImportJob):
        for row in model.objects.filter(text_q(("errors",), needles)).only("pk", "errors"):
            kept = [e for e in row.errors if not _mentions(e, needles)]
            scrubbed += model.objects.filter(pk=row.pk).update(errors=kept)
    return scrubbed
