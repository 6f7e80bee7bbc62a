"""The send policy on a contact's address: which verification statuses may be written to
(``SEND_CATCH_ALL``, ``SEND_UNVERIFIED``; invalid and risky never), and which contacts of a
prospect are worth writing to now, best first."""

from __future__ import annotations

from django.conf import settings

from compliance.services import is_suppressed
from prospects.models import Contact

Status = Contact.Verification


def sendable_verification(contact: Contact) -> bool:
    """The send policy per verification status (invalid and risky are never sent)."""
    status = contact.verification
    if status == Status.VALID:
        return True
    if status == Status.CATCH_ALL:
        return bool(settings.JENGU["SEND_CATCH_ALL"])
    if status == Status.UNKNOWN:
        return bool(settings.JENGU["SEND_UNVERIFIED"])
    return False


def sendable_contacts(contacts: list[Contact]) -> list[Contact]:
    """Contacts we may write to now (the policy allows the address and no registered check
    blocks it, e.g. a suppression), best first: valid before catch-all, people before role
    mailboxes, the primary first."""
    rank: dict[str, int] = {Status.VALID: 0, Status.CATCH_ALL: 1, Status.UNKNOWN: 2}
    usable = [
        c for c in contacts if c.email and sendable_verification(c) and not is_suppressed(c.email)
    ]
    return sorted(usable, key=lambda c: (rank.get(c.verification, 3), c.is_role, not c.is_primary))
