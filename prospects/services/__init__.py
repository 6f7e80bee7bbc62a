"""Prospects services: every write to prospects and contacts goes through this package.

keys      dedup keys (name + city, website domain), the prospect an input duplicates
create    prospect_create (API, forms, one row), prospect_save (an operator's edit)
contacts  contacts created with the import's rules, edited by hand, marked by mail
stages    the stage machine (Prospect.Stage) and the contact / archive moves
records   facts other apps record: a reply, the old system's id
dedup     near-duplicate hints, merge and dismiss
imports   files of prospects, in chunks (import_file)
crawl, enrich, verify, sendable, score: the daily pipeline's steps, one per module

The heavy ones (imports, crawl, enrich, verify) are imported from their module, not here.
"""

from __future__ import annotations

from prospects.services.contacts import (
    contact_add_delegate,
    contact_clean_email,
    contact_get_or_create,
    contact_mark_invalid,
    contact_record_soft_bounce,
    contact_save,
    contact_vouch,
)
from prospects.services.create import (
    CreateResult,
    prospect_create,
    prospect_keys_checked,
    prospect_save,
    prospect_search_q,
)
from prospects.services.dedup import duplicate_dismiss, duplicate_merge
from prospects.services.keys import (
    FILLABLE,
    ProspectInput,
    dedup_keys,
    domain_key,
    find_duplicate,
    host_key,
    survivor,
)
from prospects.services.records import prospect_record_reply, prospect_set_legacy_id
from prospects.services.score import prospect_score, ready_contact, ready_prospects
from prospects.services.sendable import sendable_contacts, sendable_verification
from prospects.services.stages import (
    prospect_advance,
    prospect_lose,
    prospect_mark_contacted,
    prospect_note_times,
    prospect_set_stage,
    prospects_archive,
)

__all__ = [
    "FILLABLE",
    "CreateResult",
    "ProspectInput",
    "contact_add_delegate",
    "contact_clean_email",
    "contact_get_or_create",
    "contact_mark_invalid",
    "contact_record_soft_bounce",
    "contact_save",
    "contact_vouch",
    "dedup_keys",
    "domain_key",
    "duplicate_dismiss",
    "duplicate_merge",
    "find_duplicate",
    "host_key",
    "prospect_advance",
    "prospect_create",
    "prospect_keys_checked",
    "prospect_lose",
    "prospect_mark_contacted",
    "prospect_note_times",
    "prospect_record_reply",
    "prospect_save",
    "prospect_score",
    "prospect_search_q",
    "prospect_set_legacy_id",
    "prospect_set_stage",
    "prospects_archive",
    "ready_contact",
    "ready_prospects",
    "sendable_contacts",
    "sendable_verification",
    "survivor",
]
