"""Signed tracking links: a click token carries the email's id and the destination, an open
token the email's id, both signed with Django's signing and their own salt.

The destination travels inside the signed token, never as a parameter, so ``/t/c/`` is no open
redirect: an altered or forged token fails the signature and gets a 400. Tokens carry no
timestamp (a link in a mailbox keeps working); a SECRET_KEY rotation keeps them valid while the
old key stays in ``SECRET_KEY_FALLBACKS``. Only the HTML part is rewritten: the plain-text part
keeps the original links, and the unsubscribe link is never touched.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing

CLICK_SALT = "jengu.tracking.click"
OPEN_SALT = "jengu.tracking.open"
MAX_URL = 2000  # TrackingEvent.url's length; a longer link is left as it is

# An <a ...> tag's href, quoted either way or bare; group 1 is what precedes the value.
_HREF = re.compile(
    r"""(<a\b[^>]*?\shref\s*=\s*)(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""", re.IGNORECASE
)
_BODY_END = re.compile(r"</body\s*>", re.IGNORECASE)
_UNSUBSCRIBE_PATH = re.compile(r"^/u/[^/]+/?$")


@dataclass(frozen=True)
class Click:
    email_id: int
    url: str


def tracking_base(campaign: Any) -> str:
    """The campaign's tracking domain, else JENGU_TRACKING_BASE_URL, else PUBLIC_BASE_URL."""
    base = (campaign.tracking_base_url if campaign is not None else "") or settings.JENGU.get(
        "TRACKING_BASE_URL", ""
    )
    return (base or settings.PUBLIC_BASE_URL).rstrip("/")


def click_token(email_id: int, url: str) -> str:
    return signing.Signer(salt=CLICK_SALT).sign_object({"e": email_id, "u": url}, compress=True)


def open_token(email_id: int) -> str:
    return signing.Signer(salt=OPEN_SALT).sign_object({"e": email_id})


def is_web_url(url: str) -> bool:
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def _unsigned(token: str, salt: str) -> dict[str, Any] | None:
    try:
        value = signing.Signer(salt=salt).unsign_object(token)
    except Exception:  # a bad signature, bad base64, bad zlib, bad JSON: all just "invalid"
        return None
    if not isinstance(value, dict) or type(value.get("e")) is not int or value["e"] <= 0:
        return None
    return value


def read_click(token: str) -> Click | None:
    """The email and destination a click token was made for; None unless it is ours, intact,
    and leads to an http(s) address."""
    value = _unsigned(token, CLICK_SALT)
    if value is None or not isinstance(value.get("u"), str) or not is_web_url(value["u"]):
        return None
    return Click(email_id=value["e"], url=value["u"])


def read_open(token: str) -> int | None:
    value = _unsigned(token, OPEN_SALT)
    return None if value is None else value["e"]


def _ours(url: str, base: str) -> bool:
    hosts = {urlsplit(settings.PUBLIC_BASE_URL).hostname, urlsplit(base).hostname}
    return urlsplit(url).hostname in hosts


def untracked(url: str, base: str) -> bool:
    """Links never rewritten: not http(s), the unsubscribe link (ours or anyone's), our own
    tracking links, and links too long to store."""
    if not is_web_url(url) or len(url) > MAX_URL or "unsubscribe" in url.lower():
        return True
    path = urlsplit(url).path
    return _ours(url, base) and (
        _UNSUBSCRIBE_PATH.match(path) is not None or path.startswith("/t/")
    )


def track_html(body: str, *, email_id: int, base: str, opens: bool, clicks: bool) -> str:
    """The HTML part with its links sent through ``/t/c/`` and/or a pixel ``/t/o/`` added."""
    if clicks:

        def rewrite(match: re.Match[str]) -> str:
            raw = next(g for g in match.groups()[1:] if g is not None)
            url = html.unescape(raw).strip()
            if untracked(url, base):
                return match.group(0)
            tracked = f"{base}/t/c/{click_token(email_id, url)}"
            return f'{match.group(1)}"{html.escape(tracked)}"'

        body = _HREF.sub(rewrite, body)
    if opens:
        pixel = (
            f'<img src="{html.escape(base)}/t/o/{open_token(email_id)}" width="1" height="1" '
            'alt="" style="border:0;width:1px;height:1px">'
        )
        ends = list(_BODY_END.finditer(body))
        at = ends[-1].start() if ends else len(body)
        body = body[:at] + pixel + body[at:]
    return body


def tracked_html(email: Any) -> str:
    """The HTML part an outbound email is sent with: tracked when its campaign opted in."""
    if not email.body_html:
        return ""  # plain-text-only emails stay untracked: no HTML part, no pixel
    campaign = email.enrollment.campaign
    if not (campaign.track_opens or campaign.track_clicks):
        return str(email.body_html)
    return track_html(
        email.body_html,
        email_id=email.pk,
        base=tracking_base(campaign),
        opens=campaign.track_opens,
        clicks=campaign.track_clicks,
    )
