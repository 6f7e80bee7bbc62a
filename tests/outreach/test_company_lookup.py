"""Which sequences a reply stops (outreach.services.company): contacts and websites found by
their reversed address, whatever the case, never a lookalike domain that merely ends the same."""

from __future__ import annotations

import pytest

from outreach.services.company import company_enrollments
from tests.factories import CampaignFactory, ProspectFactory
from tests.outreach.helpers import enrolled

pytestmark = pytest.mark.django_db


def test_the_company_is_matched_in_any_case_and_a_lookalike_domain_is_not() -> None:
    campaign = CampaignFactory(steps=[0])
    people = {
        "paris": ("https://paris.hotelgroup.co.uk", "info@paris.hotelgroup.co.uk"),
        "head office": ("https://www.hotelgroup.co.uk", "Sales@HotelGroup.CO.UK"),
        "rome": ("https://ROME.hotelgroup.co.uk", "gm.rome@gmail.com"),
        "lookalike": ("https://myhotelgroup.co.uk", "info@myhotelgroup.co.uk"),
        "lookalike mail": ("https://elsewhere.example", "x@mail.myhotelgroup.co.uk"),
    }
    rows = {}
    for label, (website, email) in people.items():
        prospect = ProspectFactory(name=f"Hotel {label}", website=website)
        (rows[label],) = enrolled(campaign, prospect=prospect, email=email)
    paris = rows["paris"]
    stopped = set(company_enrollments("info@paris.hotelgroup.co.uk", paris.prospect_id))
    assert stopped == {rows[k].pk for k in ("paris", "head office", "rome")}


def test_a_reply_from_elsewhere_stops_its_prospect_only() -> None:
    campaign = CampaignFactory(steps=[0])
    mine = ProspectFactory(website="https://hotelgroup.co.uk")
    other = ProspectFactory(website="https://rome.hotelgroup.co.uk")
    (row,) = enrolled(campaign, prospect=mine, email="sales@hotelgroup.co.uk")
    enrolled(campaign, prospect=other, email="rome@hotelgroup.co.uk")
    assert company_enrollments("someone@gmail.com", mine.pk) == [row.pk]
