"""The company a reply speaks for: which running sequences one reply stops.

A reply stops every active enrollment of its prospect. When the replying address is at the
prospect's own organisation, the registrable domain of its website under the Public Suffix
List (``prospects.normalize.registrable_domain``), the reply speaks for that whole company: it
also stops the active enrollments of every prospect whose contact address or website is at that
organisation. A reply from ``info@paris.hotelgroup.co.uk`` for the hotel at
``paris.hotelgroup.co.uk`` stops ``sales@hotelgroup.co.uk`` and the hotel at
``rome.hotelgroup.co.uk`` too; never everything under ``co.uk``.

A reply from an address outside the prospect's website (``gmail.com``, a booking agent) stops
its prospect only: a free-mail domain is nobody's company, and a prospect without a website
has no organisation to speak for.
"""

from __future__ import annotations

from django.db.models import Q

from outreach.models import Enrollment
from prospects.models import Prospect
from prospects.normalize import registrable_domain


def company_domain(from_address: str, prospect_id: int) -> str:
    """The organisation a reply from ``from_address`` speaks for, or "" for its prospect only."""
    organisation = registrable_domain(from_address)
    if not organisation:
        return ""
    website = Prospect.objects.filter(pk=prospect_id).values_list("domain", flat=True).first()
    return organisation if registrable_domain(website or "") == organisation else ""


def company_enrollments(from_address: str, prospect_id: int) -> list[int]:
    """Ids of the active enrollments a reply from ``from_address`` at this prospect stops."""
    active = Enrollment.objects.filter(status=Enrollment.Status.ACTIVE)
    organisation = company_domain(from_address, prospect_id)
    if not organisation:
        return list(active.filter(prospect_id=prospect_id).values_list("pk", flat=True))
    # The suffix filter narrows in SQL; the registrable domain then decides exactly (a deeper
    # public suffix such as s3.amazonaws.com splits what a suffix match would join).
    at_organisation = (
        Q(contact__email__iendswith=f"@{organisation}")
        | Q(contact__email__iendswith=f".{organisation}")
        | Q(prospect__domain=organisation)
        | Q(prospect__domain__endswith=f".{organisation}")
    )
    rows = active.filter(Q(prospect_id=prospect_id) | at_organisation).values_list(
        "pk", "prospect_id", "contact__email", "prospect__domain"
    )
    return [
        pk
        for pk, owner, email, domain in rows
        if owner == prospect_id
        or organisation in (registrable_domain(email), registrable_domain(domain))
    ]
