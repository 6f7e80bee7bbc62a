"""Enrichment of one prospect: find its website (Places, when it has none), read it, keep
what it tells (emails, phone, social profiles, description, property type), record it.

Stages: ``new`` -> ``enriching`` when it starts -> ``enriched`` when it is done, found or not
(a prospect with no website and no Places answer is left for the operator: the event says
so). Prospects past ``enriched`` keep their stage. The summary of what was found is kept on
``Prospect.enrichment`` and in a ``ProspectEvent`` of kind ``enrichment``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone

from compliance.services import erased_among
from prospects.clients import VendorError, places
from prospects.clients.web import WebClient
from prospects.emails import is_disposable, is_role_address
from prospects.models import Contact, Prospect, ProspectEvent
from prospects.normalize import is_platform_domain, registrable_domain, similarity
from prospects.property import property_type_for
from prospects.services.crawl import Crawl, crawl_site, web_client
from prospects.services.keys import domain_key
from prospects.services.stages import prospect_set_stage

MAX_SITE_EMAILS = 5
PLACE_NAME_MATCH = 80.0
EARLY_STAGES = (Prospect.Stage.NEW, Prospect.Stage.ENRICHING)
SAVED_FIELDS = (
    "website", "domain", "phone", "description", "social", "property_type", "source_url",
    "enrichment", "enriched_at",
)  # fmt: skip


@dataclass
class EnrichResult:
    status: str  # enriched, no_website, unreachable, refused
    website: str = ""
    found: dict[str, Any] = field(default_factory=dict)
    contacts_created: list[int] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _place_website(prospect: Prospect, result: EnrichResult) -> str:
    """The website Google Places knows for this prospect's name and city, or ""."""
    if not places.configured():
        return ""
    query = ", ".join(filter(None, [prospect.name, prospect.city, prospect.country]))
    try:
        found = places.text_search(query, max_results=5)
    except VendorError as exc:
        result.notes.append(f"places: {exc.detail}")
        return ""
    for place in found:
        if place.website and similarity(place.name, prospect.name) >= PLACE_NAME_MATCH:
            result.found["places"] = {"id": place.place_id, "name": place.name}
            if place.phone and not prospect.phone:
                prospect.phone = place.phone[:64]
            if place.maps_url and not prospect.source_url:
                prospect.source_url = place.maps_url[:500]
            return place.website
    result.notes.append("places: no matching place with a website")
    return ""


def _adopt_website(prospect: Prospect, url: str, result: EnrichResult) -> None:
    """Take a website found by Places or reached through a redirect, when its domain is not
    another prospect's (that would be a duplicate for the operator, noted instead)."""
    domain = domain_key(url)
    taken = Prospect.objects.filter(domain=domain).exclude(pk=prospect.pk).first()
    if domain and taken:
        result.notes.append(f"{domain} is the website of prospect #{taken.pk}")
        return
    prospect.website, prospect.domain = url[:500], domain
    result.website = prospect.website


def _site_emails(crawl: Crawl, prospect: Prospect) -> list[str]:
    """Published addresses worth a contact: no platform or disposable domains; the site's own
    organisation first (``sales@hotelgroup.pt`` on ``paris.hotelgroup.pt`` is the hotel's)."""
    own = registrable_domain(prospect.domain or crawl.start_url)
    usable = [
        e
        for e in crawl.info.emails
        if not is_platform_domain(e.split("@")[1]) and not is_disposable(e)
    ]
    usable.sort(key=lambda e: 0 if own and registrable_domain(e) == own else 1)
    return usable[:MAX_SITE_EMAILS]


def _apply(prospect: Prospect, crawl: Crawl, result: EnrichResult) -> None:
    info = crawl.info
    final = next((p.get("final_url") for p in crawl.pages[:1] if p.get("final_url")), "")
    if final and domain_key(final) and domain_key(final) != prospect.domain:
        _adopt_website(prospect, final, result)
    if info.phones and not prospect.phone:
        prospect.phone = info.phones[0][:64]
    if info.description and not prospect.description:
        prospect.description = info.description[:2000]
    prospect.social = {**info.social, **prospect.social}
    text = " ".join([info.title, info.site_name, info.description])
    if not prospect.property_type:
        prospect.property_type = property_type_for(text)
    erased = erased_among(info.emails[:20])  # an erased person's address is not kept again
    result.found |= {
        "emails": [e for e in info.emails[:20] if e.lower() not in erased],
        "phones": info.phones[:5],
        "social": info.social,
        "description": bool(info.description),
        "title": info.title[:200],
    }


def _create_contacts(prospect: Prospect, emails: list[str]) -> list[int]:
    existing = Contact.objects.annotate(lower_email=Lower("email"))
    taken = set(existing.filter(lower_email__in=emails).values_list("lower_email", flat=True))
    taken |= erased_among(emails)  # erased on request (GDPR): never a contact again
    has_primary = prospect.contacts.filter(is_primary=True).exists()
    created = []
    for email in (e for e in emails if e not in taken):
        contact = Contact.objects.create(
            prospect=prospect,
            email=email,
            is_role=is_role_address(email),
            is_primary=not has_primary,
            source="website",
        )
        has_primary = True
        created.append(contact.pk)
    return created


def _record(prospect: Prospect, result: EnrichResult, crawl: Crawl | None, now: datetime) -> None:
    summary = {
        "status": result.status,
        "at": now.isoformat(timespec="seconds"),
        "website": prospect.website,
        "fetched": bool(crawl and crawl.home_ok),
        "pages": crawl.pages if crawl else [],
        "found": result.found,
        "contacts_created": len(result.contacts_created),
        "notes": result.notes,
    }
    prospect.enrichment = summary
    prospect.enriched_at = now
    prospect.save(update_fields=[*SAVED_FIELDS, "updated_at"])
    emails = len(result.found.get("emails", []))
    message = {
        "enriched": f"Website read: {emails} email(s), {len(result.contacts_created)} new contact(s)",
        "no_website": "No website known; left for the operator",
        "unreachable": "Website could not be read",
        "refused": "robots.txt forbids reading the website",
    }[result.status]
    ProspectEvent.objects.create(
        prospect=prospect, kind="enrichment", message=message, data=summary
    )


def prospect_enrich(
    *, prospect: Prospect, client: WebClient | None = None, now: datetime | None = None
) -> EnrichResult:
    """Enrich one prospect (network calls happen outside any transaction)."""
    now = now or timezone.now()
    if prospect.stage == Prospect.Stage.NEW:
        prospect_set_stage(prospect=prospect, stage=Prospect.Stage.ENRICHING)
    result = EnrichResult(status="no_website", website=prospect.website)
    website = prospect.website if domain_key(prospect.website) else ""
    if not website and (found := _place_website(prospect, result)):
        _adopt_website(prospect, found, result)
        website = prospect.website if prospect.website == found[:500] else ""
    crawl = None
    if website:
        own_client = client is None
        client = client or web_client()
        try:
            crawl = crawl_site(client, website)
        finally:
            if own_client:
                client.close()
        result.status = (
            "enriched" if crawl.home_ok else "refused" if crawl.refused else "unreachable"
        )
        if crawl.home_ok:
            _apply(prospect, crawl, result)
    with transaction.atomic():
        if crawl and crawl.home_ok:
            result.contacts_created = _create_contacts(prospect, _site_emails(crawl, prospect))
        _record(prospect, result, crawl, now)
        if prospect.stage in EARLY_STAGES:
            prospect_set_stage(prospect=prospect, stage=Prospect.Stage.ENRICHED)
    return result
