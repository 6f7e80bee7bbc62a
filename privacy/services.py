"""Erasing a prospect (GDPR right to erasure): every app deletes its own rows through its
services, in one transaction; the stored files go after the commit.

What stays: a salted hash of each address and of its domain (``compliance``: never contacted
nor imported again) and the audit entry ``prospect_erased`` (who, when, counts; no data).
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.files.storage import default_storage
from django.db import transaction

from aiengine.services.erasure import usage_scrub
from compliance.services import suppression_erase, unsubscribe_tokens_erase
from core.erasure import alerts_erase, audit_scrub, deadletters_erase, tasks_erase
from core.errors import NotFound
from core.services import actor_label, audit_record
from inboxes.services.erasure import inbox_errors_scrub
from outreach.services.erasure import outreach_erase
from prospects.services.erasure import (
    import_files_mentioning,
    import_jobs_forget_files,
    prospect_erase,
    prospect_lock,
    prospect_personal_data,
    run_errors_scrub,
)

log = logging.getLogger(__name__)
MIN_NAME = 5  # a shorter name would blank unrelated records that happen to contain it


def needles_of(personal: dict[str, list[str]]) -> list[str]:
    """The strings that identify the person: addresses, names, and each address's local part
    (``maria.lopez`` of ``maria.lopez@hotel.example``) when it is distinctive."""
    names = [n for n in personal["names"] if len(n) >= MIN_NAME]
    return sorted({*personal["emails"], *names, *personal["local_parts"]})


def files_delete(names: list[str]) -> int:
    """Delete stored files; a file already gone counts as deleted (idempotent)."""
    deleted = 0
    for name in sorted(set(names)):
        try:
            default_storage.delete(name)
            deleted += 1
        except Exception:
            log.exception("stored file %s not deleted; delete it by hand", name)
    return deleted


def _task_calls(
    prospect_id: int, contact_ids: list[str], refs: list[tuple[str, str]]
) -> dict[str, set[str]]:
    """The tasks that take one of the erased rows' ids as their first argument."""

    def ids(kind: str) -> set[str]:
        return {pk for label, pk in refs if label == kind}

    return {
        "prospects.tasks.enrich_prospect": {str(prospect_id)},
        "prospects.tasks.find_contact_email": set(contact_ids),
        "outreach.tasks.send_answer": ids("outreach.outboundemail"),
        "outreach.tasks.draft_one": ids("outreach.enrollment"),
    }


def erase_prospect(prospect_id: int, actor: Any = None) -> dict[str, int]:
    """Remove everything held about the prospect and its people; returns counts by kind."""
    personal = prospect_personal_data(prospect_id)  # NotFound for an unknown id
    needles = needles_of(personal)
    import_files = import_files_mentioning(needles)  # reads storage: before the transaction
    with transaction.atomic():
        if not prospect_lock(prospect_id):  # a concurrent erasure won: nothing left to do
            raise NotFound(f"no prospect {prospect_id}", code="prospect_not_found")
        # Read again under the lock: a contact added since the first read is erased too.
        personal = prospect_personal_data(prospect_id)
        needles = sorted({*needles, *needles_of(personal)})
        summary, files = _erase_rows(prospect_id, personal, needles, actor)
        summary["import_files"] = import_jobs_forget_files(import_files)
        files += import_files
        summary["stored_files"] = len(set(files))
        audit_record(
            action="prospect_erased",
            actor=actor,
            detail={"prospect_id": prospect_id, "counts": summary},
        )
        transaction.on_commit(lambda: files_delete(files))
    log.info("prospect %s erased by %s", prospect_id, actor_label(actor))
    return summary


def _erase_rows(
    prospect_id: int, personal: dict[str, list[str]], needles: list[str], actor: Any
) -> tuple[dict[str, int], list[str]]:
    emails = personal["emails"]
    hashed = sum(
        suppression_erase(email=e, reason="erased on request", actor=actor_label(actor))
        for e in emails
    )
    outreach = outreach_erase(prospect_id=prospect_id, emails=emails)
    refs = [
        *outreach.refs,
        *[("outreach.reply", pk) for label, pk in outreach.refs if label.endswith("message")],
        ("prospects.prospect", str(prospect_id)),
        *[("prospects.contact", pk) for pk in personal["contact_ids"]],
    ]
    calls = _task_calls(prospect_id, personal["contact_ids"], refs)
    dead_letters, letter_files = deadletters_erase(refs=refs, needles=needles)
    summary = {
        **prospect_erase(prospect_id),
        **outreach.counts,
        "suppressions_hashed": hashed,
        "unsubscribe_tokens": unsubscribe_tokens_erase(emails),
        "audit_entries": audit_scrub(refs=refs, needles=needles),
        "dead_letters": dead_letters,
        "alerts": alerts_erase(needles=needles),
        "tasks": tasks_erase(calls=calls, needles=needles),
        "ai_usage": usage_scrub(needles=needles),
        "inbox_errors": inbox_errors_scrub(needles=needles),
        "run_errors": run_errors_scrub(needles=needles),
    }
    return summary, outreach.files + letter_files
