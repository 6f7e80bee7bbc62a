from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aiengine.writer import EmailContext
    from outreach.models import Enrollment


def email_context(enrollment: Enrollment) -> EmailContext:
    """The plain data the writers see about a prospect (untrusted: it came from the web)."""
    from aiengine.writer import EmailContext

    prospect, contact, inbox = enrollment.prospect, enrollment.contact, enrollment.inbox
    return EmailContext(
        prospect_name=prospect.name,
        city=prospect.city,
        country=prospect.country,
        website=prospect.website,
        property_type=prospect.get_property_type_display() if prospect.property_type else "",
        contact_name=contact.name,
        contact_title=contact.title,
        sender_name=inbox.display_name if inbox else "",
        notes=prospect.description[:500],
    )
