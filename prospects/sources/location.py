"""Split a free-text location ("Lisbon, Lisbon, Portugal") into city and country.

Country names come from the tz database's ``iso3166.tab`` (the ``tzdata`` package) plus the
spellings LinkedIn uses that differ from it.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

from prospects.normalize import normalize_city

_AREA_RE = re.compile(r"^(?:greater\s+)?(.+?)(?:\s+metropolitan)?(?:\s+(?:area|region))?$", re.I)
_EXTRA_COUNTRIES = (
    "united kingdom", "uk", "england", "scotland", "wales", "northern ireland", "usa", "us",
    "united states of america", "czech republic", "czechia", "russia", "south korea", "korea",
    "vietnam", "turkey", "turkiye", "the netherlands", "holland", "uae", "macau", "ivory coast",
)  # fmt: skip


@cache
def country_names() -> frozenset[str]:
    """Normalized country names (``normalize_city`` form): "portugal", "united states" ..."""
    names = set(_EXTRA_COUNTRIES)
    try:
        table = resources.files("tzdata").joinpath("zoneinfo", "iso3166.tab").read_text("utf-8")
    except (ModuleNotFoundError, FileNotFoundError):  # pragma: no cover - tzdata is a dependency
        table = ""
    for line in table.splitlines():
        if line.startswith("#") or "\t" not in line:
            continue
        code, name = line.split("\t", 1)
        names.add(normalize_city(name))
        names.add(code.lower())
        if "(" in name:  # "Britain (UK)", "Korea (South)": the bare name is used too
            names.add(normalize_city(name.split("(")[0]))
    names.discard("")
    return frozenset(names)


def is_country(text: str) -> bool:
    return normalize_city(text) in country_names()


def split_location(text: str) -> tuple[str, str]:
    """(city, country) from a LinkedIn-style location; either may be "".

    "Lisbon, Lisbon, Portugal" -> ("Lisbon", "Portugal"); "Porto, Portugal" -> ("Porto",
    "Portugal"); "Austin, Texas" -> ("Austin", ""); "Portugal" -> ("", "Portugal");
    "Greater Lisbon Area" / "Lisbon Metropolitan Area" -> ("Lisbon", "").
    """
    parts = [part.strip() for part in (text or "").split(",") if part.strip()]
    if not parts:
        return "", ""
    country = parts[-1] if is_country(parts[-1]) else ""
    places = parts[:-1] if country else parts
    if not places:
        return "", country
    match = _AREA_RE.match(places[0])
    city = match.group(1).strip() if match else places[0]
    return city, country
