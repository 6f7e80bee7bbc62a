"""Which links of a page matter: social profiles and the site's contact pages."""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

from prospects.normalize import normalize_domain

CONTACT_WORDS = (
    "contact", "kontakt", "contacto", "contato", "contatti", "contattaci", "impressum",
    "imprint", "about", "chi-siamo", "uber-uns", "ueber-uns", "über-uns", "quem-somos",
    "quienes-somos", "nosotros", "qui-sommes-nous", "a-propos", "mentions-legales",
    "aviso-legal", "legal-notice",
)  # fmt: skip
SOCIAL_HOSTS = {
    "facebook": ("facebook.com", "fb.com"),
    "instagram": ("instagram.com",),
    "linkedin": ("linkedin.com",),
    "twitter": ("twitter.com", "x.com"),
}
_SOCIAL_SKIP_RE = re.compile(
    r"^/(?:sharer|share|dialog|plugins|tr\b|intent|home|login|shareArticle|sharing|hashtag|"
    r"search)",
    re.IGNORECASE,
)
_INSTAGRAM_SKIP_RE = re.compile(r"^/(?:p|reels?|explore|stories|accounts)/", re.IGNORECASE)


def social_platform(url: str) -> str:
    """ "facebook", "instagram", "linkedin", "twitter" or "tripadvisor" for a profile or
    listing link; "" for anything else, share buttons and single posts included."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    host = normalize_domain(url)
    path = parts.path.strip("/")
    if parts.scheme not in ("http", "https") or not path or _SOCIAL_SKIP_RE.match(parts.path):
        return ""
    if "tripadvisor" in host.split("."):
        return "tripadvisor" if path.endswith(".html") else ""  # a listing, not the home page
    for platform, hosts in SOCIAL_HOSTS.items():
        if any(host == h or host.endswith("." + h) for h in hosts):
            skip = _INSTAGRAM_SKIP_RE if platform == "instagram" else None
            return "" if skip and skip.match(parts.path) else platform
    return ""


def is_contact_link(url: str, text: str, site: str) -> bool:
    """A same-site page with a path segment starting with a contact word (``/en/contact-us/``,
    ``/kontaktformular``; not ``/blog/things-to-know-about-lisbon``) or with a contact word in
    its anchor text."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    if parts.scheme not in ("http", "https") or normalize_domain(url) != site:
        return False
    segments = [segment for segment in unquote(parts.path).lower().split("/") if segment]
    words = "-".join(text.lower().split())
    return any(
        word in words or any(segment.startswith(word) for segment in segments)
        for word in CONTACT_WORDS
    )
