"""What a hotel's web page tells us: emails, phones, social profiles, description, contact pages.

The page is read by ``page`` (tolerant of broken HTML; script and style text never searched,
except JSON-LD blocks, whose ``email``, ``telephone`` and ``sameAs`` are what schema.org-aware
sites publish). Emails come from, in this order: ``mailto:`` links, JSON-LD, then visible text
(``text``: obfuscated forms, placeholders dropped). Phones: ``tel:`` links always, numbers in
text by the rules of ``text``. Social profiles and contact pages are the links ``links``
recognizes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from prospects.extract.links import is_contact_link, social_platform
from prospects.extract.page import PageParser, decode_html, join_url, parse_page
from prospects.extract.text import emails_in_text, normalize_phone, phones_in_text, usable_email
from prospects.normalize import normalize_domain

__all__ = [
    "SiteInfo",
    "decode_html",
    "emails_in_text",
    "extract_contacts",
    "is_contact_link",
    "normalize_phone",
    "phones_in_text",
    "social_platform",
]


@dataclass
class SiteInfo:
    url: str
    title: str = ""
    description: str = ""  # meta description, else og:description
    site_name: str = ""  # og:site_name
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    social: dict[str, str] = field(default_factory=dict)  # facebook, instagram, linkedin, ...
    contact_pages: list[str] = field(default_factory=list)  # same-site, absolute, in page order


def _walk_json(value: object) -> list[tuple[str, str]]:
    """(key, string value) pairs anywhere in a JSON document, in document order."""
    pairs: list[tuple[str, str]] = []
    stack: list[tuple[str, object]] = [("", value)]
    while stack:
        key, item = stack.pop()
        if isinstance(item, str) and key:
            pairs.append((key, item))
        elif isinstance(item, dict):
            stack.extend(reversed([(str(k), v) for k, v in item.items()]))
        elif isinstance(item, list):
            stack.extend(reversed([(key, v) for v in item]))
    return pairs


def _json_ld_pairs(blocks: list[str]) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    for block in blocks:
        try:
            pairs += _walk_json(json.loads(block))
        except (ValueError, RecursionError):
            continue  # a broken block on a live site is common; the rest of the page still counts
    return pairs


def _collect(parser: PageParser, info: SiteInfo) -> None:
    site = normalize_domain(info.url)
    ld = _json_ld_pairs(parser.json_ld)
    text = "".join(parser.text)
    emails: list[str] = []
    phones: list[str] = []
    for href, anchor in parser.links:
        lowered = href.lower()
        if lowered.startswith("mailto:"):
            emails += [usable_email(a) for a in href[7:].split("?")[0].split(",")]
        elif lowered.startswith(("tel:", "callto:")):
            phones.append(normalize_phone(href.split(":", 1)[1]))
        else:
            url = join_url(parser.base_url, href)
            platform = social_platform(url)
            if platform:
                info.social.setdefault(platform, url)
            elif is_contact_link(url, anchor, site) and url not in info.contact_pages:
                info.contact_pages.append(url)
    emails += [usable_email(v) for k, v in ld if k.lower() == "email"]
    phones += [normalize_phone(v) for k, v in ld if k.lower() == "telephone"]
    for url in (v for k, v in ld if k == "sameAs"):
        if social_platform(url):
            info.social.setdefault(social_platform(url), url)
    info.emails = [e for e in dict.fromkeys(emails + emails_in_text(text)) if e]
    info.phones = [p for p in dict.fromkeys(phones + phones_in_text(text)) if p]


def extract_contacts(html: str | bytes, base_url: str) -> SiteInfo:
    """Everything useful on one page; relative links resolve against ``base_url`` (or the
    page's ``<base href>``). Never raises on malformed HTML."""
    parser = parse_page(html, base_url)
    info = SiteInfo(url=base_url)
    info.title = " ".join("".join(parser.title).split())[:300]
    meta = parser.meta
    info.description = " ".join((meta.get("description") or meta.get("og:description", "")).split())
    info.site_name = " ".join(meta.get("og:site_name", "").split())
    _collect(parser, info)
    return info
