"""An import row (``prospects.sources.Row``) made into a ``ProspectInput``, with its checks.

The column mapping itself lives in ``prospects.sources.headers`` (docs/prospects.md tables
it). Here: websites get a scheme and must name a host; values longer than their database
column are left out with an error for the row (too long a name or city rejects the row, since
those are the dedup keys); the property type is read from a choice, an alias or free text; and
the old system's exports (Supabase CSV, D1 SQL) keep their id, stage, tier and score.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db.models import Model

from prospects.models import Contact, Prospect
from prospects.normalize import normalize_domain, normalize_email, normalize_name
from prospects.property import property_type_from_cell
from prospects.services.keys import ProspectInput, host_key
from prospects.sources import Row

LEGACY_FORMATS = frozenset({"supabase", "d1_sql"})
_TAG_SPLIT_RE = re.compile(r"\s*[,;|]\s*")
_TRUE = frozenset({"1", "true", "t", "yes", "y"})


def _limit(model: type[Model], name: str) -> int:
    return int(getattr(model._meta.get_field(name), "max_length", 0) or 0)


# ProspectInput attribute -> (model, column) whose max_length bounds it
LIMITS = {
    "name": _limit(Prospect, "name"),
    "city": _limit(Prospect, "city"),
    "country": _limit(Prospect, "country"),
    "website": _limit(Prospect, "website"),
    "phone": _limit(Prospect, "phone"),
    "lead_source": _limit(Prospect, "lead_source"),
    "source_url": _limit(Prospect, "source_url"),
    "legacy_id": _limit(Prospect, "legacy_id"),
    "contact_name": _limit(Contact, "name"),
    "contact_title": _limit(Contact, "title"),
    "linkedin_url": _limit(Contact, "linkedin_url"),
}
KEY_FIELDS = ("name", "city")


def website_value(raw: str) -> tuple[str, str]:
    """(URL with ``https://`` added to a bare domain, its normalized host); ("", "") when it
    names no host."""
    value = raw.strip()
    if not value:
        return "", ""
    if "://" not in value:
        value = f"https://{value.lstrip('/')}"
    host = normalize_domain(value) if value.lower().startswith(("http://", "https://")) else ""
    return (value, host) if host else ("", "")


def _legacy(data: dict[str, str]) -> dict[str, object]:
    extra: dict[str, object] = {}
    if data.get("stage") in Prospect.Stage.values:
        extra["stage"] = data["stage"]
    if data.get("tier") in Prospect.Tier.values:
        extra["tier"] = data["tier"]
    score = data.get("score", "")
    if re.fullmatch(r"\d+(?:\.\d+)?", score):
        extra["score"] = min(100, round(float(score)))
    if data.get("archived", "").lower() in _TRUE:
        extra["archived"] = True
    if data.get("email_verified", "").lower() in _TRUE:
        extra["email_verified"] = True
    return extra


def _checked_lengths(values: dict[str, str]) -> tuple[bool, list[str]]:
    """(keep the row?, problems) — over-long values are blanked in ``values``."""
    problems = []
    for name, limit in LIMITS.items():
        value = values.get(name, "")
        if limit and len(value) > limit:
            problems.append(f"{name} longer than {limit} characters")
            if name in KEY_FIELDS:
                return False, problems
            values[name] = ""
    return True, problems


@dataclass
class Mapped:
    data: ProspectInput | None  # None: the row is rejected
    problems: list[str] = field(default_factory=list)
    domain: str = ""  # the website's dedup key
    name_key: str = ""


def row_input(row: Row, fmt: str, default_source: str) -> Mapped:
    """The input for one row and the problems found (the row may still be imported)."""
    data = row.data
    problems: list[str] = []
    website, host = website_value(data.get("website", ""))
    values = {
        "name": data.get("name", ""),
        "city": data.get("city", ""),
        "country": data.get("country", ""),
        "website": website,
        "phone": data.get("phone", ""),
        "lead_source": data.get("source", "") or default_source,
        "source_url": data.get("source_url", ""),
        "legacy_id": data.get("id", "") if fmt in LEGACY_FORMATS else "",
        "contact_name": data.get("contact_name", ""),
        "contact_title": data.get("contact_title", ""),
        "linkedin_url": data.get("linkedin_url", ""),
    }
    if data.get("website") and not values["website"]:
        problems.append(f"website {data['website'][:80]!r} is not a web address; left out")
    keep, length_problems = _checked_lengths(values)
    problems += length_problems
    name_key = normalize_name(values["name"]) if keep else ""
    if not name_key:
        return Mapped(None, problems)
    other_cells = _TAG_SPLIT_RE.split(data["other_emails"]) if "other_emails" in data else []
    others = [e for e in map(normalize_email, other_cells) if e]
    notes = data.get("notes", "") or data.get("research_notes", "")
    tags = [t for t in _TAG_SPLIT_RE.split(data.get("tags", "")) if t][:20]
    return Mapped(
        ProspectInput(
            **values,
            contact_email=data.get("contact_email", ""),
            property_type=property_type_from_cell(data.get("property_type", "")),
            notes=notes,
            tags=[t[:64] for t in tags],
            other_emails=others,
            extra=_legacy(data) if fmt in LEGACY_FORMATS else {},
        ),
        problems,
        domain=host_key(host) if values["website"] else "",
        name_key=name_key[:255],
    )
