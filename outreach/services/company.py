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

from typing import Any

from django.db.models import Q
from django.db.models.functions import Reverse, Upper

from outreach.models import Enrollment
from prospects.models import Contact, Prospect
from prospects.normalize import registrable_domain


def company_domain(from_address: str, prospect_id: int) -> str:
    """The organisation a reply from ``from_address`` speaks for, or "" for its prospect only."""
    organisation = registrable_domain(from_address)
    if not organisation:
        return ""
    website = Prospect.objects.filter(pk=prospect_id).values_list("domain", flat=True).first()
    return organisation if registrable_domain(website or "") == organisation else ""


def _ending(rows: Any, field: str, endings: list[str]) -> list[tuple[int, str]]:
    """(pk, value) of the rows whose ``field`` ends with one of ``endings`` (any case), or is
    one. Written as a prefix of the reversed value, which a btree answers (prospects 0006 on
    PostgreSQL): a suffix LIKE reads every row, and a trigram index reads the posting list of
    every "com" and "example" in the table."""
    reversed_value = Reverse(Upper(field))
    wanted = Q()
    for ending in endings:
        wanted |= Q(reversed_value__startswith=ending.upper()[::-1])
    found = rows.annotate(reversed_value=reversed_value).filter(wanted).order_by()
    return [(pk, value) for pk, value in found.values_list("pk", field)]


def company_enrollments(from_address: str, prospect_id: int) -> list[int]:
    """Ids of the active enrollments a reply from ``from_address`` at this prospect stops."""
    active = Enrollment.objects.filter(status=Enrollment.Status.ACTIVE)
    organisation = company_domain(from_address, prospect_id)
    if not organisation:
        return list(active.filter(prospect_id=prospect_id).values_list("pk", flat=True))
    # Contacts and websites at the organisation are found first, each on its own index, and the
    # enrollments then by their foreign keys: one OR across the joins read every enrollment.
    # The suffix match narrows; the registrable domain then decides exactly (a deeper public
    # suffix such as s3.amazonaws.com splits what a suffix match would join).
    contacts = _ending(Contact.objects, "email", [f"@{organisation}", f".{organisation}"])
    websites = _ending(Prospect.objects, "domain", [organisation])  # and its subdomains
    contact_ids = [pk for pk, email in contacts if registrable_domain(email) == organisation]
    prospect_ids = [pk for pk, domain in websites if registrable_domain(domain) == organisation]
    at_company = Q(prospect_id__in=[prospect_id, *prospect_ids]) | Q(contact_id__in=contact_ids)
    return list(active.filter(at_company).values_list("pk", flat=True))
