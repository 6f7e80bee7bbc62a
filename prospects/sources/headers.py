"""Column names of import files mapped to Jengu's canonical prospect keys.

A header is compared after ``header_key``: camelCase split, lower-cased, every run of spaces
and punctuation made one ``_`` ("First Name", "first_name" and "firstName" are all
``first_name``). Aliases are listed in priority order: when a file has two columns for one key,
the first alias with a non-empty cell wins, row by row.

=================  ===============================================================================
canonical key      accepted column names (after ``header_key``)
=================  ===============================================================================
name               hotel_name, hotel, property_name, property, business_name, company,
                   company_name, account_name, organization, organisation, name
city               city, town, locality, hotel_city
country            country, country_name, country_code, hotel_country
website            website, website_url, company_website, company_domain, hotel_website,
                   url, homepage, web, site, domain
contact_email      contact_email, email, email_address, e_mail, work_email, business_email,
                   mail
contact_name       contact_name, contact, contact_person, full_name, person_name
contact_title      contact_title, title, job_title, position, role, designation
linkedin_url       linkedin_url, linkedin, linkedin_profile, linkedin_profile_url,
                   person_linkedin_url, profile_url, sales_navigator_profile_url,
                   sales_navigator_url, default_profile_url
phone              phone, phone_number, telephone, tel, mobile, company_phone, contact_phone
property_type      property_type, hotel_type, type, category
source             source, lead_source
source_url         source_url, google_maps_url, maps_url, listing_url
notes              notes, note, comments, comment
tags               tags, tag, labels, keywords
=================  ===============================================================================

Two columns feed canonical keys only when those keys are still empty (in ``base.finish_row``):
``first_name`` + ``last_name`` make ``contact_name``; ``company_location``, ``location`` or
``geography`` ("Lisbon, Lisbon, Portugal") give ``city`` and ``country``. Both stay in the row
under their own keys, like every other column that is not listed (``id``, ``stage``, ``tier``,
``score``, ``created_at`` ...).

A bare ``name`` (or ``full_name``) column means the business, except in a file that also has a
company column (company, company_name, account_name, organization): there ``name`` is the
person (LinkedIn and Sales Navigator exports), and it fills ``contact_name``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

CANONICAL_ALIASES: dict[str, tuple[str, ...]] = {
    "name": (
        "hotel_name", "hotel", "property_name", "property", "business_name", "company",
        "company_name", "account_name", "organization", "organisation", "name",
    ),
    "city": ("city", "town", "locality", "hotel_city"),
    "country": ("country", "country_name", "country_code", "hotel_country"),
    "website": (
        "website", "website_url", "company_website", "company_domain", "hotel_website", "url",
        "homepage", "web", "site", "domain",
    ),
    "contact_email": (
        "contact_email", "email", "email_address", "e_mail", "work_email", "business_email",
        "mail",
    ),
    "contact_name": ("contact_name", "contact", "contact_person", "full_name", "person_name"),
    "contact_title": ("contact_title", "title", "job_title", "position", "role", "designation"),
    "linkedin_url": (
        "linkedin_url", "linkedin", "linkedin_profile", "linkedin_profile_url",
        "person_linkedin_url", "profile_url", "sales_navigator_profile_url",
        "sales_navigator_url", "default_profile_url",
    ),
    "phone": ("phone", "phone_number", "telephone", "tel", "mobile", "company_phone",
              "contact_phone"),
    "property_type": ("property_type", "hotel_type", "type", "category"),
    "source": ("source", "lead_source"),
    "source_url": ("source_url", "google_maps_url", "maps_url", "listing_url"),
    "notes": ("notes", "note", "comments", "comment"),
    "tags": ("tags", "tag", "labels", "keywords"),
}  # fmt: skip
CANONICAL_KEYS = tuple(CANONICAL_ALIASES)
COMPANY_COLUMNS = frozenset({"company", "company_name", "account_name", "organization"})
PERSON_NAME_COLUMNS = ("name", "full_name")
LOCATION_COLUMNS = ("company_location", "location", "geography")

_CAMEL_RE = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_NON_WORD_RE = re.compile(r"[^0-9a-z]+")
_LINKEDIN_RE = re.compile("linkedin", re.IGNORECASE)


def header_key(header: str) -> str:
    """``"LinkedIn Profile URL"`` -> ``linkedin_profile_url``; ``"firstName"`` ->
    ``first_name``; ``"\\ufeffName "`` -> ``name``."""
    text = str(header).replace("\ufeff", "").strip()
    text = _LINKEDIN_RE.sub("linkedin", text)  # one word, not "linked_in"
    text = _CAMEL_RE.sub("_", text)
    return _NON_WORD_RE.sub("_", text.lower()).strip("_")


class HeaderMap:
    """Where each key of a row comes from, computed once per header."""

    def __init__(self, headers: Sequence[str]) -> None:
        self.keys = [header_key(header) for header in headers]
        aliases = dict(CANONICAL_ALIASES)
        if COMPANY_COLUMNS.intersection(self.keys):
            aliases["name"] = tuple(a for a in aliases["name"] if a not in PERSON_NAME_COLUMNS)
            aliases["contact_name"] = aliases["contact_name"] + ("name",)
        owner = {alias: key for key, names in aliases.items() for alias in names}
        rank = {alias: i for names in aliases.values() for i, alias in enumerate(names)}
        self.sources: dict[str, list[int]] = {}
        for index, key in sorted(enumerate(self.keys), key=lambda p: (rank.get(p[1], 0), p[0])):
            if key:
                self.sources.setdefault(owner.get(key, key), []).append(index)
        # Canonical keys first, in their documented order, then the extras as they came.
        order = {key: i for i, key in enumerate(CANONICAL_KEYS)}
        self.sources = dict(sorted(self.sources.items(), key=lambda i: order.get(i[0], 99)))

    def apply(self, values: Sequence[str]) -> dict[str, str]:
        """The row as ``{key: stripped value}``, empty cells left out."""
        data: dict[str, str] = {}
        for key, indexes in self.sources.items():
            for index in indexes:
                value = values[index].strip() if index < len(values) else ""
                if value:
                    data[key] = value
                    break
        return data
