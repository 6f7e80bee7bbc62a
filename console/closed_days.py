"""Which days the forecast skips: blackout days, and public holidays of the ready prospects.

A send pass judges each recipient on their own local date (outreach.blackout). The forecast has
no single recipient, so a day counts as closed when no first email could go on it: a global
blackout day (JENGU_BLACKOUT_DATES), a blackout day of the default campaign (where the daily
pipeline enrolls), or a public holiday in every country among the ready prospects (all of them
French: 14 July is closed; French and Japanese: it is not, the Japanese can still be written to).
"""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.core.cache import cache

from outreach.blackout import closed_reason
from outreach.models import Campaign
from prospects.geo import country_code
from prospects.models import Prospect

COUNTRIES_KEY = "forecast:ready-countries"
COUNTRIES_SECONDS = 300


def ready_countries() -> set[str]:
    """ISO codes of the ready prospects' countries; "" stands for an unknown country.

    Kept in the cache for a few minutes: the DISTINCT runs over every ready prospect (half a
    second at a million rows) for a handful of countries that hardly change, and a day it leaves
    open or closed a few minutes late only moves a forecast, never a send."""
    codes = cache.get(COUNTRIES_KEY)
    if codes is None:
        names = Prospect.objects.ready().values_list("country", flat=True).distinct()
        codes = sorted({country_code(name) if name else "" for name in names})
        cache.set(COUNTRIES_KEY, codes, COUNTRIES_SECONDS)
    return set(codes)


def _closed(day: date, countries: set[str], extra: str) -> str:
    reason = closed_reason(day, extra=extra)
    if reason or not countries or not settings.JENGU["SKIP_HOLIDAYS"]:
        return reason
    holidays = [closed_reason(day, country=code) for code in sorted(countries)]
    # An unknown country has no holidays, so "" in the set keeps every day open, as it should.
    return "; ".join(holidays) if all(holidays) else ""


def closed_days(first: date, days: int) -> dict[date, str]:
    """{date: why nothing can be sent} for ``days`` days from ``first``."""
    campaign = Campaign.objects.filter(is_default=True).only("blackout_dates").first()
    extra = campaign.blackout_dates if campaign else ""
    countries = ready_countries()
    closed: dict[date, str] = {}
    for offset in range(days):
        day = first + timedelta(days=offset)
        reason = _closed(day, countries, extra)
        if reason:
            closed[day] = reason
    return closed
