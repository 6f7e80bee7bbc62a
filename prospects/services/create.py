"""Creating a prospect (from the API, a form or an import row) and saving an operator's edit.

Both derive the dedup keys the same way (``keys.dedup_keys``), so a prospect edited in the
admin is found by the next import of its website, name or contact address.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q

from compliance.services import is_erased
from core.errors import Conflict
from core.services import actor_label
from prospects.models import Contact, Prospect, ProspectEvent
from prospects.services.contacts import contact_get_or_create
from prospects.services.dedup import hints_for_prospects
from prospects.services.keys import (
    FILLABLE,
    ProspectInput,
    dedup_keys,
    domain_key,
    find_duplicate,
    key_owner,
)


@dataclass
class CreateResult:
    prospect: Prospect
    created: bool
    updated: bool = False
    matched_by: str = ""  # "email", "domain" or "name_city" for a duplicate


def _created_event(prospect: Prospect, *, actor: Any = None) -> None:
    ProspectEvent.objects.create(
        prospect=prospect,
        kind="created",
        actor=actor_label(actor)[:150],
        message=f"Created from {prospect.lead_source or 'manual entry'}"[:500],
    )


def _new_prospect(data: ProspectInput) -> Prospect:
    prospect = Prospect(
        name=data.name.strip(),
        city=data.city.strip(),
        country=data.country.strip(),
        website=data.website.strip(),
        phone=data.phone,
        property_type=data.property_type,
        lead_source=data.lead_source,
        source_url=data.source_url,
        notes=data.notes,
        tags=list(data.tags),
        legacy_id=data.legacy_id,
        **dedup_keys(name=data.name, city=data.city, website=data.website),
    )
    prospect.save()
    _created_event(prospect)
    return prospect


def _fill_blanks(prospect: Prospect, data: ProspectInput) -> bool:
    changed = []
    for name in FILLABLE:
        value = getattr(data, name)
        if value and not getattr(prospect, name):
            setattr(prospect, name, value)
            changed.append(name)
    if "website" in changed:
        domain = domain_key(prospect.website)
        if domain and not Prospect.objects.filter(domain=domain).exclude(pk=prospect.pk).exists():
            prospect.domain = domain
            changed.append("domain")
    if changed:
        prospect.save(update_fields=[*changed, "updated_at"])
    return bool(changed)


def _ensure_contact(prospect: Prospect, data: ProspectInput) -> bool:
    _contact, created = contact_get_or_create(
        prospect_id=prospect.pk,
        email=data.contact_email,
        name=data.contact_name,
        title=data.contact_title,
        linkedin_url=data.linkedin_url,
        source=data.lead_source,
    )
    return created


def prospect_create(*, data: ProspectInput, fill_blanks: bool = True) -> CreateResult:
    """Create a prospect (and its contact), or return the one it duplicates.

    Safe under concurrency: the unique constraints decide, and a loser re-reads the winner.
    An address of an erased person (a hashed suppression) is refused: Conflict ``suppressed``.
    """
    if data.contact_email and is_erased(data.contact_email):
        raise Conflict(
            "this address was erased on request (GDPR) and stays suppressed", code="suppressed"
        )
    for _attempt in range(2):
        existing, matched_by = find_duplicate(data)
        if existing is not None:
            with transaction.atomic():
                updated = _fill_blanks(existing, data) if fill_blanks else False
                updated = (_ensure_contact(existing, data) if fill_blanks else False) or updated
            return CreateResult(existing, created=False, updated=updated, matched_by=matched_by)
        try:
            with transaction.atomic():
                prospect = _new_prospect(data)
                _ensure_contact(prospect, data)
        except IntegrityError:
            continue  # lost a race with an identical insert: the next pass finds it
        hints_for_prospects([prospect.pk])
        return CreateResult(prospect, created=True)
    raise IntegrityError("prospect could not be created nor found; check the dedup keys")


def prospect_keys_checked(
    *,
    name: str,
    city: str,
    website: str,
    prospect_id: int | None = None,
    changed: Collection[str] | None = None,
) -> dict[str, str]:
    """The dedup keys to (re)write for these values: all of them for a new prospect or when
    ``changed`` is None, else only those whose source field changed (an untouched website
    keeps the empty domain key a duplicate left it with). Raises Conflict when another
    prospect holds one."""
    keys = dedup_keys(name=name, city=city, website=website)
    if prospect_id is not None and changed is not None:
        if "website" not in changed:
            del keys["domain"]
        if not {"name", "city"} & set(changed):
            del keys["name_key"], keys["city_key"]
    owner, matched_by = key_owner(keys, prospect_id=prospect_id)
    if owner is not None:
        what = "website" if matched_by == "domain" else "name in this city"
        raise Conflict(f"prospect #{owner.pk} ({owner}) has this {what}", code="duplicate")
    return keys


def prospect_save(
    *, prospect: Prospect, actor: Any = None, changed: Collection[str] | None = None
) -> Prospect:
    """Save a prospect added or edited by hand (the admin; ``changed`` = the fields edited):
    its dedup keys follow its name, city and website, as an import derives them; a new or
    renamed prospect gets its near-duplicate hints."""
    keys = prospect_keys_checked(
        name=prospect.name,
        city=prospect.city,
        website=prospect.website,
        prospect_id=prospect.pk,
        changed=changed,
    )
    created = prospect.pk is None
    for name, value in keys.items():
        setattr(prospect, name, value)
    with transaction.atomic():
        prospect.save()
        if created:
            _created_event(prospect, actor=actor)
    if "name_key" in keys:
        hints_for_prospects([prospect.pk])
    return prospect


def prospect_search_q(term: str, *, contact_names: bool = False) -> Q:
    """Name, city, website (its domain) or a contact's email (and name, for the admin's
    search) contains ``term``.

    A UNION of two single-table searches rather than an OR across the contacts join: each
    branch can use its trigram indexes on PostgreSQL (migration 0005), where the OR over a
    join forced a scan of every prospect."""
    own = (
        Prospect.objects.filter(
            Q(name__icontains=term) | Q(city__icontains=term) | Q(domain__icontains=term)
        )
        .order_by()
        .values("pk")
    )
    contact_q = Q(email__icontains=term) | (Q(name__icontains=term) if contact_names else Q())
    by_contact = Contact.objects.filter(contact_q).order_by().values("prospect_id")
    return Q(pk__in=own.union(by_contact))
