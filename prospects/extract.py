"""What a hotel's web page tells us: emails, phones, social profiles, description, contact pages.

The page is read with the standard library's tolerant ``html.parser``: unclosed tags and stray
``<`` do not stop it. Text inside ``<script>`` and ``<style>`` is never searched (image names
like ``logo@2x.png`` and tracking keys live there), except JSON-LD (``application/ld+json``)
blocks, whose ``email``, ``telephone`` and ``sameAs`` are what schema.org-aware sites publish.

Emails come from, in this order: ``mailto:`` links, JSON-LD, then visible text. Text forms
understood besides the plain one: HTML entities (``info&#64;hotel.pt``), bracketed words
(``info [at] hotel [dot] pt``, ``info(at)hotel.pt``, ``{at}``), and spelled-out words
(``info at hotel dot pt``) only when at least one `` dot `` follows, so "rooms at the hotel"
never becomes an address. Addresses whose "TLD" is a file extension (``.png``, ``.js``) and
placeholder domains (example.com, domain.com, sentry.io ...) are dropped. Reversed text,
``data-`` attributes and JavaScript-assembled addresses are out of scope.

Phones: ``tel:`` links always; numbers in text only when international (``+`` or ``00``) or
right after a phone label (tel, phone, telefone, téléfono ...) and not after ``fax``. They are
returned as ``+`` and digits (``+351 (0)21 123 4567`` -> ``+351211234567``), or digits only for
national numbers.
"""

from __future__ import annotations

import codecs
import json
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import unquote, urljoin, urlsplit

from prospects.normalize import normalize_domain, normalize_email

FILE_EXTENSIONS = frozenset(
    {"png", "jpg", "jpeg", "gif", "webp", "svg", "bmp", "ico", "avif", "tif", "tiff", "css"}
    | {"js", "mjs", "json", "map", "mp4", "webm", "woff", "woff2", "ttf", "pdf"}
)
PLACEHOLDER_DOMAINS = frozenset(
    {"example.com", "example.org", "example.net", "domain.com", "yourdomain.com", "email.com"}
    | {"mail.com", "sentry.io", "wixpress.com", "sentry-next.wixpress.com", "test.com"}
)
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
_BLOCK_TAGS = frozenset(
    {"p", "div", "br", "li", "ul", "ol", "tr", "td", "th", "table", "section", "article"}
    | {"header", "footer", "nav", "aside", "h1", "h2", "h3", "h4", "h5", "h6", "address"}
    | {"blockquote", "dd", "dt", "form", "main", "hr", "title", "body", "option", "label"}
)
_EMAIL_RE = re.compile(
    r"(?<![\w.%+-])[A-Za-z0-9][A-Za-z0-9._%+-]*@(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,24}\b"
)
_AT_RE = re.compile(r"\s*(?:\[\s*(?:at|@)\s*\]|\(\s*(?:at|@)\s*\)|\{\s*(?:at|@)\s*\})\s*", re.I)
_DOT_RE = re.compile(
    r"\s*(?:\[\s*(?:dot|\.)\s*\]|\(\s*(?:dot|\.)\s*\)|\{\s*(?:dot|\.)\s*\})\s*", re.I
)
_WORDS_RE = re.compile(
    r"\b([a-z0-9][a-z0-9._%+-]*)\s+at\s+([a-z0-9-]+(?:\s+dot\s+[a-z0-9-]+)+)\b", re.I
)
_PHONE_RE = re.compile(r"(?<![\w+])(?:\+|00)?\s?\(?\d(?:[ ().\-/\u00a0]{0,3}\d){6,17}(?!\w)")
_PHONE_LABEL_RE = re.compile(
    r"(?<![a-z])(telefax|fax|tel|phone|telephone|téléphone|telefon|telefone|teléfono|telefono|"
    r"tlf|call|mobile|mob|whatsapp|☎|📞)(?:\s*(?:number|no|nr|n\.?º))?\W{0,6}$",
    re.IGNORECASE,
)
# "<!x" that is neither a comment, CDATA nor a doctype: html.parser raises on some of these,
# browsers read them as bogus comments.
_BOGUS_DECLARATION_RE = re.compile(r"<!(?!--|\[CDATA\[|doctype)", re.IGNORECASE)
_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)


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


class _PageParser(HTMLParser):
    def __init__(self, base_url: str) -> None:
        super().__init__(convert_charrefs=True)
        self.base_url = base_url
        self.text: list[str] = []
        self.title: list[str] = []
        self.meta: dict[str, str] = {}
        self.links: list[tuple[str, str]] = []  # (absolute href, anchor text)
        self.json_ld: list[str] = []
        self._raw: str | None = None  # "skip" in script/style, "ld" in a JSON-LD block
        self._in_title = False
        self._anchor: tuple[str, list[str]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag in ("script", "style"):
            ld = tag == "script" and "ld+json" in values.get("type", "").lower()
            self._raw = "ld" if ld else "skip"
        elif tag == "title":
            self._in_title = not self.title
        elif tag == "base" and values.get("href") and not self.links:
            self.base_url = _join(self.base_url, values["href"]) or self.base_url
        elif tag == "meta":
            key = (values.get("name") or values.get("property") or "").lower()
            self.meta.setdefault(key, values.get("content", ""))
        elif tag in ("a", "area") and "href" in values:
            self._close_anchor()
            self._anchor = (values["href"].strip(), [])
        if tag in _BLOCK_TAGS:
            self.text.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._raw = None
        elif tag == "title":
            self._in_title = False
        elif tag in ("a", "area"):
            self._close_anchor()
        if tag in _BLOCK_TAGS:
            self.text.append("\n")

    def handle_data(self, data: str) -> None:
        if self._raw == "ld":
            self.json_ld.append(data)
        if self._raw:
            return
        self.text.append(data)
        if self._in_title:
            self.title.append(data)
        if self._anchor:
            self._anchor[1].append(data)

    def _close_anchor(self) -> None:
        if self._anchor:
            href, words = self._anchor
            self.links.append((href, " ".join("".join(words).split())))
            self._anchor = None

    def close(self) -> None:
        if self.rawdata.lstrip().startswith("<!--"):
            self.rawdata = ""  # an unclosed comment runs to the end, as in a browser
        super().close()
        self._close_anchor()


def _join(base: str, href: str) -> str:
    try:
        return urljoin(base, href).split("#")[0]
    except ValueError:  # e.g. "http://[broken"
        return ""


def decode_html(data: bytes) -> str:
    """Text of a page: BOM, then ``<meta charset>``, then UTF-8, then Windows-1252."""
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                          (codecs.BOM_UTF16_BE, "utf-16")):  # fmt: skip
        if data.startswith(bom):
            return data.decode(encoding, errors="replace")
    declared = _CHARSET_RE.search(data[:4096])
    if declared:
        try:
            name = codecs.lookup(declared.group(1).decode("ascii")).name
        except LookupError:
            name = ""
        if name in ("latin-1", "iso8859-1", "ascii"):
            name = "cp1252"  # what browsers do with these labels
        if name:
            return data.decode(name, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _usable_email(candidate: str) -> str:
    address = normalize_email(unquote(candidate))
    if not address:
        return ""
    domain = address.rsplit("@", 1)[1]
    if domain.rsplit(".", 1)[-1] in FILE_EXTENSIONS:
        return ""
    if any(domain == p or domain.endswith("." + p) for p in PLACEHOLDER_DOMAINS):
        return ""
    return address


def emails_in_text(text: str) -> list[str]:
    """Addresses written in visible text, plain or obfuscated (rules in the module docstring)."""
    plain = _DOT_RE.sub(".", _AT_RE.sub("@", text))
    found = [match.group() for match in _EMAIL_RE.finditer(plain)]
    for match in _WORDS_RE.finditer(text):
        labels = re.split(r"\s+dot\s+", match.group(2), flags=re.I)
        if labels[-1].isalpha():
            found.append(f"{match.group(1)}@{'.'.join(labels)}")
    return [e for e in dict.fromkeys(map(_usable_email, found)) if e]


def normalize_phone(raw: str) -> str:
    """``+`` and digits for international numbers, digits for national ones; "" when there
    are fewer than 7 or more than 15 digits."""
    text = unquote(raw).strip()
    international = text.startswith("+") or text.startswith("00")
    if text.startswith("+"):
        text = text.replace("(0)", "")
    digits = re.sub(r"\D", "", text)
    if text.startswith("00"):
        digits = digits[2:]
    if not 7 <= len(digits) <= 15:
        return ""
    return f"+{digits}" if international else digits


def phones_in_text(text: str) -> list[str]:
    phones: list[str] = []
    for match in _PHONE_RE.finditer(text):
        number = match.group().strip()
        label = _PHONE_LABEL_RE.search(text[max(0, match.start() - 30) : match.start()])
        if label and label.group(1).lower() in ("fax", "telefax"):
            continue
        if label or number.startswith(("+", "00")):
            phones.append(normalize_phone(number))
    return [phone for phone in dict.fromkeys(phones) if phone]


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


def _collect(parser: _PageParser, info: SiteInfo) -> None:
    site = normalize_domain(info.url)
    ld = _json_ld_pairs(parser.json_ld)
    text = "".join(parser.text)
    emails: list[str] = []
    phones: list[str] = []
    for href, anchor in parser.links:
        lowered = href.lower()
        if lowered.startswith("mailto:"):
            emails += [_usable_email(a) for a in href[7:].split("?")[0].split(",")]
        elif lowered.startswith(("tel:", "callto:")):
            phones.append(normalize_phone(href.split(":", 1)[1]))
        else:
            url = _join(parser.base_url, href)
            platform = social_platform(url)
            if platform:
                info.social.setdefault(platform, url)
            elif is_contact_link(url, anchor, site) and url not in info.contact_pages:
                info.contact_pages.append(url)
    emails += [_usable_email(v) for k, v in ld if k.lower() == "email"]
    phones += [normalize_phone(v) for k, v in ld if k.lower() == "telephone"]
    for url in (v for k, v in ld if k == "sameAs"):
        if social_platform(url):
            info.social.setdefault(social_platform(url), url)
    info.emails = [e for e in dict.fromkeys(emails + emails_in_text(text)) if e]
    info.phones = [p for p in dict.fromkeys(phones + phones_in_text(text)) if p]


def extract_contacts(html: str | bytes, base_url: str) -> SiteInfo:
    """Everything useful on one page; relative links resolve against ``base_url`` (or the
    page's ``<base href>``). Never raises on malformed HTML."""
    parser = _PageParser(base_url)
    text = decode_html(html) if isinstance(html, bytes) else html
    try:
        parser.feed(_BOGUS_DECLARATION_RE.sub("&lt;!", text))
        parser.close()
    except AssertionError:  # _markupbase still asserts on some declarations; keep what we read
        parser._close_anchor()
    info = SiteInfo(url=base_url)
    info.title = " ".join("".join(parser.title).split())[:300]
    meta = parser.meta
    info.description = " ".join((meta.get("description") or meta.get("og:description", "")).split())
    info.site_name = " ".join(meta.get("og:site_name", "").split())
    _collect(parser, info)
    return info
