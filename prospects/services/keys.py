"""The dedup keys of a prospect, and the existing prospect an input duplicates.

Exact duplicates never get in: the normalized keys (``name_key`` + ``city_key``, ``domain``)
carry unique constraints, and a contact address is unique case-insensitively. Every writer
(``prospect_create``, the bulk import, an admin edit) derives the keys here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from prospects.models import Contact, Prospect
from prospects.normalize import (
    is_platform_host,
    normalize_city,
    normalize_domain,
    normalize_email,
    normalize_name,
)

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


def host_key(host: str) -> str:
    """A normalized host as a dedup key: "" for a shared platform's (a Facebook page or a
    Booking.com listing says nothing about which business it is). A site builder's customer
    (``alfama.wixsite.com``) is one site and keeps its key."""
    return "" if is_platform_host(host) else host


def domain_key(website: str) -> str:
    """The dedup key of a website: its host (not its organisation), unless a platform's."""
    return host_key(normalize_domain(website))


def dedup_keys(*, name: str, city: str, website: str) -> dict[str, str]:
    """The stored keys (``name_key``, ``city_key``, ``domain``) of these raw values."""
    return {
        "name_key": normalize_name(name),
        "city_key": normalize_city(city),
        "domain": domain_key(website),
    }


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


def key_owner(keys: dict[str, str], *, prospect_id: int | None) -> tuple[Prospect | None, str]:
    """Another prospect that already holds one of these keys, and which ("domain" or
    "name_city"): saving them on prospect ``prospect_id`` would break a unique constraint."""
    others = Prospect.objects.exclude(pk=prospect_id) if prospect_id else Prospect.objects.all()
    if keys.get("domain") and (found := others.filter(domain=keys["domain"]).first()):
        return found, "domain"
    if keys.get("name_key"):
        found = others.filter(name_key=keys["name_key"], city_key=keys["city_key"]).first()
        if found:
            return found, "name_city"
    return None, ""
