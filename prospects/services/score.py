"""The prospect score (0-100), its tier, and the stage moves that depend on the contacts.

score = contact quality (0-50) + web presence (0-30) + property signals (0-20)

Contact quality — the best contact counts:
    address verified valid: 45 personal, 35 role (info@ ...)
    catch-all domain:       30 personal, 22 role
    not verified (unknown): 20 personal, 15 role
    risky:                   8        invalid: 0
    a named person without an address yet: 8
    + 5 when that contact's title is a decision maker (owner, founder, general manager, GM,
      director, CEO, managing director, proprietor, manager); capped at 50
Web presence:
    website read by the enrichment 10 (a website we could not read: 4),
    meta description 4, phone 4, social profiles 3 each up to 12
Property signals:
    type: boutique hotel 14, hotel 12, B&B / guesthouse 10, resort 10, serviced apartments 7,
    hostel 5, other 4, unknown 0; city and country known 3; its own domain (not a Facebook or
    Booking.com page) 3

Tier: hot at TIER_HOT (70) or more, warm at TIER_WARM (40) or more, else cold.

Stages: a prospect in ``enriched`` moves to ``ready`` when one of its contacts has an address
the send policy allows (``sendable.sendable_verification``) and that is not suppressed
(``compliance``); a ``ready`` prospect that lost it goes back to
``enriched``. Other stages are left alone. ``ready_prospects`` and ``ready_contact`` are what
the enrolment (in outreach) asks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from prospects.conf import knob
from prospects.models import Contact, Prospect, ProspectQuerySet
from prospects.services.sendable import sendable_contacts
from prospects.services.stages import prospect_set_stage

FORMULA_VERSION = 1
Status = Contact.Verification
EMAIL_POINTS: dict[str, tuple[int, int]] = {  # (personal, role)
    Status.VALID: (45, 35),
    Status.CATCH_ALL: (30, 22),
    Status.UNKNOWN: (20, 15),
    Status.RISKY: (8, 8),
    Status.INVALID: (0, 0),
}
NAMED_NO_EMAIL = 8
DECISION_MAKER = 5
DECISION_RE = re.compile(
    r"\b(owner|co-?owner|founder|general manager|gm|director|ceo|managing|proprietor|"
    r"propriet[aá]ri[oa]|manager|gerente|directeur|direttore|inhaber|gesch[aä]ftsf[uü]hrer)\b",
    re.IGNORECASE,
)
PROPERTY_POINTS: dict[str, int] = {
    "boutique_hotel": 14,
    "hotel": 12,
    "bnb": 10,
    "resort": 10,
    "apartments": 7,
    "hostel": 5,
    "other": 4,
    "": 0,
}


@dataclass
class ScoreResult:
    score: int
    tier: str
    detail: dict[str, object]
    stage_changed: bool = False


def contact_points(contact: Contact) -> int:
    if contact.email:
        personal, role = EMAIL_POINTS.get(contact.verification, (0, 0))
        points = role if contact.is_role else personal
    else:
        points = NAMED_NO_EMAIL if contact.name.strip() else 0
        if contact.verification == Status.INVALID:
            points = 0
    if points and contact.name.strip() and DECISION_RE.search(contact.title or ""):
        points += DECISION_MAKER
    return min(points, 50)


def web_points(prospect: Prospect) -> dict[str, int]:
    fetched = bool(prospect.enrichment.get("fetched"))
    social = len([url for url in prospect.social.values() if url])
    return {
        "website": 10 if fetched else 4 if prospect.website else 0,
        "description": 4 if prospect.description else 0,
        "phone": 4 if prospect.phone else 0,
        "social": min(12, 3 * social),
    }


def property_points(prospect: Prospect) -> dict[str, int]:
    return {
        "type": PROPERTY_POINTS.get(prospect.property_type, 4),
        "location": 3 if prospect.city and prospect.country else 0,
        "own_domain": 3 if prospect.domain else 0,
    }


def tier_for(score: int) -> str:
    if score >= knob("TIER_HOT"):
        return Prospect.Tier.HOT
    if score >= knob("TIER_WARM"):
        return Prospect.Tier.WARM
    return Prospect.Tier.COLD


def compute_score(prospect: Prospect, contacts: list[Contact]) -> ScoreResult:
    best = max(contacts, key=contact_points, default=None)
    contact = contact_points(best) if best else 0
    web, prop = web_points(prospect), property_points(prospect)
    total = min(100, contact + sum(web.values()) + sum(prop.values()))
    detail: dict[str, object] = {
        "version": FORMULA_VERSION,
        "total": total,
        "contact": contact,
        "contact_id": best.pk if best else None,
        "web": web,
        "property": prop,
    }
    return ScoreResult(total, tier_for(total), detail)


def prospect_score(*, prospect: Prospect) -> ScoreResult:
    """Score and tier the prospect, then move it between enriched and ready."""
    contacts = list(prospect.contacts.all())
    result = compute_score(prospect, contacts)
    prospect.score, prospect.tier, prospect.score_detail = result.score, result.tier, result.detail
    Prospect.objects.filter(pk=prospect.pk).update(
        score=result.score, tier=result.tier, score_detail=result.detail
    )
    sendable = bool(sendable_contacts(contacts))
    if prospect.stage == Prospect.Stage.ENRICHED and sendable:
        result.stage_changed = prospect_set_stage(
            prospect=prospect, stage=Prospect.Stage.READY, reason="sendable address"
        )
    elif prospect.stage == Prospect.Stage.READY and not sendable:
        result.stage_changed = prospect_set_stage(
            prospect=prospect, stage=Prospect.Stage.ENRICHED, reason="no sendable address left"
        )
    return result


def ready_prospects() -> ProspectQuerySet:
    """Prospects waiting for a first email: active, in ``ready``."""
    return Prospect.objects.ready()


def ready_contact(prospect: Prospect) -> Contact | None:
    """The contact to write to at a ready prospect; None when it has none any more (a
    suppression or a bounce since), and then the prospect goes back to ``enriched``."""
    contacts = sendable_contacts(list(prospect.contacts.all()))
    if not contacts:
        prospect_score(prospect=prospect)
        return None
    return contacts[0]
