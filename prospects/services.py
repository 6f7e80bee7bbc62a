"""Every write to prospects and contacts goes through here."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q

from prospects.emails import is_role_address
from prospects.models import Contact, Prospect, ProspectEvent
from prospects.normalize import (
    PLATFORM_DOMAINS,
    normalize_city,
    normalize_domain,
    normalize_email,
    normalize_name,
)

log = logging.getLogger(__name__)

# Fields an import or API call may fill on an existing prospect when they are blank there.
FILLABLE = ("country", "website", "phone", "property_type", "lead_source", "source_url")


@dataclass
class ProspectInput:
    name: str
    city: str = ""
    country: str = ""
    website: str = ""
    contact_email: str = ""
    contact_name: str = ""
    contact_title: str = ""
    linkedin_url: str = ""
    phone: str = ""
    property_type: str = ""
    lead_source: str = ""
    source_url: str = ""
    notes: str = ""
    tags: list[str] = field(default_factory=list)
    legacy_id: str = ""
    other_emails: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class CreateResult:
    prospect: Prospect
    created: bool
    updated: bool = False
    matched_by: str = ""  # "email", "domain" or "name_city" for a duplicate


def host_key(host: str) -> str:
    """A normalized host as a dedup key: "" for a shared platform's (a Facebook page or a
    Booking.com listing says nothing about which business it is)."""
    labels = host.split(".")
    suffixes = (".".join(labels[i:]) for i in range(len(labels) - 1))
    return "" if any(suffix in PLATFORM_DOMAINS for suffix in suffixes) else host


def domain_key(website: str) -> str:
    """The dedup key of a website: its registrable host, unless a platform's."""
    return host_key(normalize_domain(website))


def survivor(prospect: Prospect) -> Prospect:
    """The prospect a merged duplicate now lives in (itself when it was never merged)."""
    for _hop in range(10):  # merges chain rarely; a cycle would be an operator's data error
        if prospect.merged_into_id is None:
            return prospect
        prospect = Prospect.objects.get(pk=prospect.merged_into_id)
    return prospect


def find_duplicate(data: ProspectInput) -> tuple[Prospect | None, str]:
    """The existing prospect this input duplicates, and by which key."""
    email = normalize_email(data.contact_email)
    if email:
        contact = Contact.objects.filter(email__iexact=email).select_related("prospect").first()
        if contact:
            return survivor(contact.prospect), "email"
    domain = domain_key(data.website)
    if domain:
        found = Prospect.objects.filter(domain=domain).first()
        if found:
            return survivor(found), "domain"
    name_key, city_key = normalize_name(data.name), normalize_city(data.city)
    if name_key:
        found = Prospect.objects.filter(name_key=name_key, city_key=city_key).first()
        if found:
            return survivor(found), "name_city"
    return None, ""


def _new_prospect(data: ProspectInput) -> Prospect:
    prospect = Prospect(
        name=data.name.strip(),
        name_key=normalize_name(data.name),
        city=data.city.strip(),
        city_key=normalize_city(data.city),
        country=data.country.strip(),
        website=data.website.strip(),
        domain=domain_key(data.website),
        phone=data.phone,
        property_type=data.property_type,
        lead_source=data.lead_source,
        source_url=data.source_url,
        notes=data.notes,
        tags=list(data.tags),
        legacy_id=data.legacy_id,
    )
    prospect.save()
    ProspectEvent.objects.create(
        prospect=prospect,
        kind="created",
        message=f"Created from {data.lead_source or 'manual entry'}",
    )
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
    email = normalize_email(data.contact_email)
    if not email and not data.contact_name:
        return False
    if email and Contact.objects.filter(email__iexact=email).exists():
        return False
    if not email and prospect.contacts.filter(name=data.contact_name).exists():
        return False
    Contact.objects.create(
        prospect=prospect,
        email=email,
        name=data.contact_name.strip(),
        title=data.contact_title.strip(),
        linkedin_url=data.linkedin_url,
        is_primary=not prospect.contacts.exists(),
        is_role=is_role_address(email),
        source=data.lead_source,
    )
    return True


def prospect_create(*, data: ProspectInput, fill_blanks: bool = True) -> CreateResult:
    """Create a prospect (and its contact), or return the one it duplicates.

    Safe under concurrency: the unique constraints decide, and a loser re-reads the winner.
    """
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
        from prospects.services_dedup import hints_for_prospects

        hints_for_prospects([prospect.pk])
        return CreateResult(prospect, created=True)
    raise IntegrityError("prospect could not be created nor found; check the dedup keys")


def prospect_search_q(term: str) -> Q:
    return (
        Q(name__icontains=term)
        | Q(city__icontains=term)
        | Q(domain__icontains=term)
        | Q(contacts__email__icontains=term)
    )


def prospect_set_stage(
    *, prospect: Prospect, stage: str, actor: str = "system", reason: str = ""
) -> bool:
    if prospect.stage == stage:
        return False
    old = prospect.stage
    Prospect.objects.filter(pk=prospect.pk).update(stage=stage)
    prospect.stage = stage
    ProspectEvent.objects.create(
        prospect=prospect,
        kind="stage",
        actor=actor,
        message=f"Stage {old} → {stage}" + (f": {reason}" if reason else ""),
        data={"from": old, "to": stage, "reason": reason},
    )
    return True
