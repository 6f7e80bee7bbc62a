"""Every write to a contact: created with the import's rules, edited by hand, marked by mail.

The import's rules (``prospect_create``, the bulk import, a delegation reply, the admin): the
address is normalized (``normalize.normalize_email``: stripped, lower-cased, ASCII domain; ""
when invalid), belongs to one contact in the whole database (case-insensitively: the unique
constraint ``contact_unique_email``), and a role mailbox (``info@``) is flagged ``is_role``.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Literal

from django.db import transaction

from compliance.services import is_erased
from core.errors import Conflict, JenguError
from prospects.emails import is_role_address
from prospects.models import Contact, ProspectEvent
from prospects.normalize import normalize_email


def contact_get_or_create(
    *,
    prospect_id: int,
    email: str = "",
    name: str = "",
    title: str = "",
    linkedin_url: str = "",
    source: str = "",
) -> tuple[Contact | None, bool]:
    """The contact with this address (at any prospect), or this named person at the prospect,
    created when new: primary when the prospect has no contact yet. (None, False) when there
    is neither a valid address nor a name. A concurrent insert of the same address raises
    IntegrityError: the unique constraint decides, the caller's transaction retries."""
    email, name = normalize_email(email), name.strip()
    if not email and not name:
        return None, False
    if email and is_erased(email):
        return None, False  # an erased person (hashed suppression): never stored again
    if email:
        existing = Contact.objects.filter(email__iexact=email).first()
    else:
        existing = Contact.objects.filter(prospect_id=prospect_id, name=name).first()
    if existing is not None:
        return existing, False
    contact = Contact.objects.create(
        prospect_id=prospect_id,
        email=email,
        name=name,
        title=title.strip(),
        linkedin_url=linkedin_url,
        is_primary=not Contact.objects.filter(prospect_id=prospect_id).exists(),
        is_role=is_role_address(email),
        source=source,
    )
    return contact, True


def contact_add_delegate(
    *, prospect_id: int, email: str, name: str = "", pointed_by: str = ""
) -> Contact | None:
    """A colleague a reply pointed us to: a new contact (import rules) and a timeline event.
    None when the address is invalid or already a contact."""
    if not normalize_email(email):
        return None
    with transaction.atomic():
        contact, created = contact_get_or_create(
            prospect_id=prospect_id, email=email, name=name, source="delegation"
        )
        if contact is None or not created:
            return None
        ProspectEvent.objects.create(
            prospect_id=prospect_id,
            kind="delegation",
            message=f"{pointed_by} pointed us to {contact.email}"[:500],
        )
    return contact


def contact_clean_email(*, email: str, contact_id: int | None = None) -> str:
    """The normalized address for a contact edited by hand; raises when it is invalid or
    already another contact's."""
    if not email.strip():
        return ""
    normalized = normalize_email(email)
    if not normalized:
        raise JenguError(f"{email.strip()} is not a valid address", code="invalid_email")
    others = Contact.objects.filter(email__iexact=normalized)
    owner = (others if contact_id is None else others.exclude(pk=contact_id)).first()
    if owner is not None:
        raise Conflict(
            f"{normalized} is already contact #{owner.pk} of prospect #{owner.prospect_id}",
            code="duplicate_contact",
        )
    return normalized


def contact_save(*, contact: Contact) -> Contact:
    """Save a contact edited by hand (the admin): the address normalized and deduplicated as
    an import's; the role flag follows a changed address."""
    before = Contact.objects.filter(pk=contact.pk).values_list("email", flat=True).first()
    contact.email = contact_clean_email(email=contact.email, contact_id=contact.pk)
    if contact.email != before:
        contact.is_role = is_role_address(contact.email)
    contact.save()
    return contact


def contact_mark_invalid(*, contact_id: int | None = None, email: str = "") -> int:
    """The address bounced for good (or the old system said so): never verified as sendable
    again. By id, or every contact with this address; returns how many changed."""
    if contact_id is None and not email:
        raise ValueError("give a contact id or an address")
    rows = Contact.objects.all() if contact_id is None else Contact.objects.filter(pk=contact_id)
    if email:
        rows = rows.filter(email__iexact=email.strip())
    return rows.update(verification=Contact.Verification.INVALID)


def contact_vouch(
    *,
    contact_id: int,
    evidence: dict[str, Any],
    at: datetime | None,
    unless: Literal["checked", "decided"] = "checked",
) -> bool:
    """Mark an address valid on outside evidence (a demo address, a delivery in the old
    system), unless a check already decided: ``unless="checked"`` keeps any contact already
    verified, ``unless="decided"`` any whose status is not ``unknown``."""
    rows = Contact.objects.filter(pk=contact_id)
    if unless == "checked":
        rows = rows.filter(verified_at__isnull=True)
    else:
        rows = rows.filter(verification=Contact.Verification.UNKNOWN)
    changed = rows.update(
        verification=Contact.Verification.VALID, verification_evidence=evidence, verified_at=at
    )
    return changed == 1


def contact_record_soft_bounce(
    *, contact_id: int, now: datetime, window: timedelta
) -> list[datetime]:
    """Add a soft bounce to the contact; returns its soft bounces within ``window`` (call
    inside a transaction: the row is locked so two bounces read together both count)."""
    contact = Contact.objects.select_for_update().get(pk=contact_id)
    since = now - window
    times = [t for t in map(datetime.fromisoformat, contact.soft_bounces) if t >= since]
    times.append(now)
    Contact.objects.filter(pk=contact.pk).update(soft_bounces=[t.isoformat() for t in times])
    return times
