"""Country/city -> IANA timezone, from the tz database's own tables (tzdata's zone1970.tab).

A country with one zone uses it. A country with several uses the zone whose city the
prospect's city names (``America/New_York`` for "New York"); otherwise the operator's choice on
the prospect, otherwise the caller's fallback (the inbox's timezone).
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from importlib import resources

ALIASES = {
    "usa": "US",
    "united states of america": "US",
    "u.s.a.": "US",
    "us": "US",
    "uk": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "great britain": "GB",
    "northern ireland": "GB",
    "russia": "RU",
    "czech republic": "CZ",
    "czechia": "CZ",
    "south korea": "KR",
    "korea": "KR",
    "vietnam": "VN",
    "uae": "AE",
    "holland": "NL",
    "deutschland": "DE",
    "españa": "ES",
    "espana": "ES",
    "italia": "IT",
    "türkiye": "TR",
    "turkey": "TR",
    "brasil": "BR",
    "méxico": "MX",
    "schweiz": "CH",
    "suisse": "CH",
    "österreich": "AT",
    "nederland": "NL",
    "portugal": "PT",
    "france": "FR",
}


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.strip().lower())
    return "".join(c for c in text if not unicodedata.combining(c)).replace("_", " ")


def _table(name: str) -> list[list[str]]:
    text = resources.files("tzdata").joinpath("zoneinfo", name).read_text(encoding="utf-8")
    return [line.split("\t") for line in text.splitlines() if line and not line.startswith("#")]


@lru_cache(maxsize=1)
def _countries() -> dict[str, str]:
    names = {_fold(row[1]): row[0] for row in _table("iso3166.tab")}
    names.update({_fold(k): v for k, v in ALIASES.items()})
    return names


@lru_cache(maxsize=1)
def _zones() -> dict[str, list[str]]:
    zones: dict[str, list[str]] = {}
    shared: dict[str, list[str]] = {}
    for row in _table("zone1970.tab"):
        home, *others = row[0].split(",")
        zones.setdefault(home, []).append(row[2])
        for code in others:  # Europe/Zurich also covers Büsingen (DE): a last resort for DE
            shared.setdefault(code, []).append(row[2])
    return {code: zones.get(code) or shared[code] for code in zones.keys() | shared.keys()}


def country_code(country: str) -> str:
    """ISO 3166 alpha-2 for a country name or code; "" when unknown."""
    folded = _fold(country)
    if len(folded) == 2 and folded.upper() in _zones():
        return folded.upper()
    return _countries().get(folded, "")


def zones_for(country: str) -> list[str]:
    return _zones().get(country_code(country), [])


def timezone_for(country: str, city: str = "", *, override: str = "", fallback: str = "UTC") -> str:
    if override:
        return override
    zones = zones_for(country)
    if len(zones) == 1:
        return zones[0]
    folded_city = _fold(city)
    for zone in zones:
        if folded_city and _fold(zone.rsplit("/", 1)[-1]) == folded_city:
            return zone
    return fallback
