"""RFC 5322 messages: Message-ID on the inbox's domain, threading, RFC 8058 one-click unsubscribe.

Headers are serialized with an unlimited line length, so List-Unsubscribe stays on one line
and unencoded (folded or encoded-word forms are ignored by Gmail and Outlook).
"""

from __future__ import annotations

from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, make_msgid

from django.utils.html import linebreaks, urlize

from compliance.services import list_unsubscribe_headers
from core.errors import JenguError

# Building uses the SMTP policy (bodies wrapped or quoted-printable at 78); serializing uses an
# unlimited header line length so List-Unsubscribe is never folded.
POLICY = SMTP.clone(max_line_length=None)


class HeaderInjection(JenguError):
    status = 400
    code = "header_injection"


def new_message_id(domain: str) -> str:
    return make_msgid(domain=domain or "jengu.invalid")


def message_id_domain(message_id: str) -> str:
    return message_id.strip("<>").rpartition("@")[2]


# Every character the email package (or a mail client) may treat as a line break.
LINE_BREAKS = frozenset("\r\n\v\f\x1c\x1d\x1e\x85\u2028\u2029")


def _check(name: str, value: str) -> str:
    if any(ch in LINE_BREAKS for ch in value):
        raise HeaderInjection(f"line break in the {name} header is not allowed")
    return value


def build_message(
    *,
    from_name: str,
    from_address: str,
    to_name: str,
    to_address: str,
    subject: str,
    text: str,
    html: str = "",
    message_id: str,
    in_reply_to: str = "",
    references: str = "",
    unsubscribe_token: str = "",
    date: datetime,
) -> bytes:
    msg = EmailMessage(policy=SMTP)
    # Address objects quote display names properly (formataddr mangles "Ana [Desk] Müller").
    msg["From"] = Address(
        display_name=_check("From", from_name), addr_spec=_check("From", from_address)
    )
    msg["To"] = Address(display_name=_check("To", to_name), addr_spec=_check("To", to_address))
    msg["Subject"] = _check("Subject", subject)
    msg["Date"] = format_datetime(date)
    msg["Message-ID"] = _check("Message-ID", message_id)
    if in_reply_to:
        msg["In-Reply-To"] = _check("In-Reply-To", in_reply_to)
        msg["References"] = _check("References", references or in_reply_to)
    if unsubscribe_token:
        for name, value in list_unsubscribe_headers(unsubscribe_token, mailto=from_address).items():
            msg[name] = value
    msg.set_content(text)
    if html:
        msg.add_alternative(html, subtype="html")
    return msg.as_bytes(policy=POLICY)


def text_as_html(text: str) -> str:
    """The HTML alternative of a plain-text body: escaped, paragraphs kept, web addresses as
    links (what a step that "also sends HTML" sends when its writer wrote text only)."""
    return linebreaks(urlize(text, nofollow=False, autoescape=True))
