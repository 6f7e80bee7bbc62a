"""Reading one HTML page: its text, title, meta tags, links and JSON-LD blocks.

The standard library's tolerant ``html.parser`` reads it: unclosed tags and stray ``<`` do not
stop it. Text inside ``<script>`` and ``<style>`` is never kept (image names like
``logo@2x.png`` and tracking keys live there), except JSON-LD (``application/ld+json``) blocks.
"""

from __future__ import annotations

import codecs
import re
from html.parser import HTMLParser
from urllib.parse import urljoin

_BLOCK_TAGS = frozenset(
    {"p", "div", "br", "li", "ul", "ol", "tr", "td", "th", "table", "section", "article"}
    | {"header", "footer", "nav", "aside", "h1", "h2", "h3", "h4", "h5", "h6", "address"}
    | {"blockquote", "dd", "dt", "form", "main", "hr", "title", "body", "option", "label"}
)
# "<!x" that is neither a comment, CDATA nor a doctype: html.parser raises on some of these,
# browsers read them as bogus comments.
_BOGUS_DECLARATION_RE = re.compile(r"<!(?!--|\[CDATA\[|doctype)", re.IGNORECASE)
_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)


class PageParser(HTMLParser):
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
            self.base_url = join_url(self.base_url, values["href"]) or self.base_url
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


def join_url(base: str, href: str) -> str:
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


def parse_page(html: str | bytes, base_url: str) -> PageParser:
    """The page read to its end; never raises on malformed HTML."""
    parser = PageParser(base_url)
    text = decode_html(html) if isinstance(html, bytes) else html
    try:
        parser.feed(_BOGUS_DECLARATION_RE.sub("&lt;!", text))
        parser.close()
    except AssertionError:  # _markupbase still asserts on some declarations; keep what we read
        parser._close_anchor()
    return parser
