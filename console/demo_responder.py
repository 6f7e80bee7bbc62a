"""The demo's recipients. Every minute in demo mode, read what Jengu delivered "to the world"
(the Maildir outbox) and drop the demo hotel's answer into the sending inbox's Maildir, where
the reply check (``outreach.tasks.check_replies``) finds it like any other mail: a meeting
request, an out-of-office, a bounce (a DSN quoting our Message-ID), an unsubscribe, an
interested reply, a refusal, a delegation (the script is ``console.demo.HOTELS``). A message,
once read, moves from ``_outbox/new`` to ``_outbox/cur``, so each is answered once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from mailbox import Maildir
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from console.demo import DemoHotel, hotel_for_domain
from inboxes.clients.maildir import inbox_path, open_maildir, outbox_path
from inboxes.models import Inbox

log = logging.getLogger(__name__)
OOO_DAYS = 3


# --- the answers --------------------------------------------------------------------------------
def _reply(sent: EmailMessage, hotel: DemoHotel, now: datetime, body: str) -> EmailMessage:
    msg = EmailMessage(policy=policy.SMTP)
    msg["From"] = f"{hotel.person} <{hotel.email}>"
    msg["To"] = sent["From"]
    msg["Subject"] = f"Re: {str(sent['Subject']).removeprefix('Re: ')}"
    msg["Date"] = format_datetime(now)
    msg["Message-ID"] = make_msgid(domain=hotel.domain)
    msg["In-Reply-To"] = sent["Message-ID"]
    msg["References"] = f"{sent.get('References', '')} {sent['Message-ID']}".strip()
    quoted = "\n".join(f"> {line}" for line in _text(sent).splitlines()[:12])
    msg.set_content(f"{body}\n\nOn {sent['Date']}, {sent['From']} wrote:\n{quoted}\n")
    return msg


def _text(sent: EmailMessage) -> str:
    part = sent.get_body(preferencelist=("plain",))
    return part.get_content() if part is not None else ""


def _first_name(sent: EmailMessage) -> str:
    name = parseaddr(str(sent["From"]))[0]
    return name.split()[0] if name else "there"


def meeting_request(sent: EmailMessage, hotel: DemoHotel, now: datetime) -> EmailMessage:
    body = (
        f"Hi {_first_name(sent)},\n\nThanks for getting in touch, the timing is good. Could we "
        "set up a call next Tuesday or Wednesday afternoon? Send me two or three times that "
        f"work for you and I will book one.\n\nBest regards,\n{hotel.person}\n"
        f"{hotel.title}, {hotel.name}"
    )
    return _reply(sent, hotel, now, body)


def interested(sent: EmailMessage, hotel: DemoHotel, now: datetime) -> EmailMessage:
    body = (
        "Hello,\n\nThis sounds interesting, we are looking at exactly this for next season. "
        "I would like to know more.\n\n"
        f"Merci,\n{hotel.person}"
    )
    return _reply(sent, hotel, now, body)


def not_interested(sent: EmailMessage, hotel: DemoHotel, now: datetime) -> EmailMessage:
    body = f"Thank you, but we are not interested at the moment.\n\n{hotel.person}"
    return _reply(sent, hotel, now, body)


def delegation(sent: EmailMessage, hotel: DemoHotel, now: datetime) -> EmailMessage:
    colleague = f"sofia.marques@{hotel.domain}"
    body = (
        "Hello,\n\nI am not the right person for this. Please contact our revenue manager, "
        f"Sofia Marques ({colleague}), she looks after these topics.\n\n"
        f"Viele Grüße,\n{hotel.person}"
    )
    return _reply(sent, hotel, now, body)


def unsubscribe(sent: EmailMessage, hotel: DemoHotel, now: datetime) -> EmailMessage:
    return _reply(sent, hotel, now, "Please remove me from your list.")


def out_of_office(sent: EmailMessage, hotel: DemoHotel, now: datetime) -> EmailMessage:
    back = (now + timedelta(days=OOO_DAYS)).strftime("%d %B %Y").lstrip("0")
    msg = EmailMessage(policy=policy.SMTP)
    msg["From"] = f"{hotel.person} <{hotel.email}>"
    msg["To"] = sent["From"]
    msg["Subject"] = f"Automatic reply: {sent['Subject']}"
    msg["Date"] = format_datetime(now)
    msg["Message-ID"] = make_msgid(domain=hotel.domain)
    msg["In-Reply-To"] = sent["Message-ID"]
    msg["Auto-Submitted"] = "auto-replied"
    msg["X-Auto-Response-Suppress"] = "All"
    msg.set_content(
        f"Thank you for your email. I am out of the office until {back} with limited access "
        f"to email. For urgent matters please call reception on {hotel.phone}.\n\n{hotel.person}"
    )
    return msg


def bounce(sent: EmailMessage, hotel: DemoHotel, now: datetime) -> EmailMessage:
    """A DSN from our own mail system (RFC 3464): the hotel's server does not know the address."""
    ours = parseaddr(str(sent["From"]))[1]
    rcpt = parseaddr(str(sent["To"]))[1]
    mta = f"mx.{ours.rpartition('@')[2]}"
    boundary = make_msgid(domain=mta).strip("<>")
    diagnostic = f"550 5.1.1 <{rcpt}>: Recipient address rejected: User unknown"
    original = "".join(
        f"{name}: {sent[name]}\n" for name in ("From", "To", "Subject", "Date", "Message-ID")
    )
    raw = f"""From: Mail Delivery System <MAILER-DAEMON@{mta}>
To: {ours}
Subject: Undelivered Mail Returned to Sender
Date: {format_datetime(now)}
Message-ID: {make_msgid(domain=mta)}
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="{boundary}"

--{boundary}
Content-Description: Notification
Content-Type: text/plain; charset=us-ascii

This is the mail system at host {mta}.

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients.

<{rcpt}>: host mail.{hotel.domain}[192.0.2.25] said: {diagnostic}
    (in reply to RCPT TO command)

--{boundary}
Content-Description: Delivery report
Content-Type: message/delivery-status

Reporting-MTA: dns; {mta}

Final-Recipient: rfc822; {rcpt}
Original-Recipient: rfc822;{rcpt}
Action: failed
Status: 5.1.1
Remote-MTA: dns; mail.{hotel.domain}
Diagnostic-Code: smtp; {diagnostic}

--{boundary}
Content-Description: Undelivered Message Headers
Content-Type: text/rfc822-headers

{original}
--{boundary}--
"""
    parsed = message_from_bytes(raw.replace("\n", "\r\n").encode(), policy=policy.SMTP)
    assert isinstance(parsed, EmailMessage)
    return parsed


REPLIES: dict[str, Callable[[EmailMessage, DemoHotel, datetime], EmailMessage]] = {
    "meeting_request": meeting_request,
    "interested": interested,
    "not_interested": not_interested,
    "delegation": delegation,
    "unsubscribe": unsubscribe,
    "out_of_office": out_of_office,
    "bounce": bounce,
}


# --- reading the outbox -------------------------------------------------------------------------
def step_of(sent: EmailMessage) -> int:
    """Our sequences thread their follow-ups: step N carries N-1 References."""
    return 1 + len(str(sent.get("References", "")).split())


def answer(raw: bytes, now: datetime) -> tuple[EmailMessage | None, str]:
    """The demo hotel's answer to one sent message (None: it stays silent), and why."""
    sent = message_from_bytes(raw, policy=policy.SMTP)
    assert isinstance(sent, EmailMessage)
    rcpt = parseaddr(str(sent.get("To", "")))[1]
    hotel = hotel_for_domain(rcpt.rpartition("@")[2])
    if hotel is None or not hotel.reply:
        return None, f"{rcpt}: no reply scripted"
    if step_of(sent) != hotel.reply_step:
        return None, f"{rcpt}: answers step {hotel.reply_step}, not {step_of(sent)}"
    return REPLIES[hotel.reply](sent, hotel, now), f"{rcpt}: {hotel.reply}"


def _maildir(path: Path) -> Maildir:
    # The folder may exist already without tmp/new/cur (its .Sent was made first), and
    # mailbox.Maildir only lays out a folder it creates itself.
    for sub in ("tmp", "new", "cur"):
        (path / sub).mkdir(parents=True, exist_ok=True)
    return open_maildir(path)


def _deliver(reply: EmailMessage, sent_from: str) -> bool:
    inbox = Inbox.objects.filter(address__iexact=parseaddr(sent_from)[1]).first()
    if inbox is None:
        return False
    _maildir(inbox_path(inbox)).add(reply.as_bytes())
    return True


def _mark_read(path: Path) -> None:
    path.rename(path.parent.parent / "cur" / f"{path.name}:2,S")


def respond(now: datetime | None = None) -> str:
    """The demo responder's schedule (every minute, demo mode only)."""
    if not settings.JENGU["DEMO"]:
        return "not in demo mode (JENGU_DEMO is off): nothing done"
    now = now or timezone.now()
    new = outbox_path() / "new"
    _maildir(outbox_path())
    read = replied = 0
    for path in sorted(p for p in new.iterdir() if p.is_file()):
        raw = path.read_bytes()
        reply, why = answer(raw, now)
        sent_from = str(message_from_bytes(raw, policy=policy.SMTP).get("From", ""))
        if reply is not None and _deliver(reply, sent_from):
            replied += 1
            log.info("demo reply", extra={"reply": why})
        _mark_read(path)
        read += 1
    return f"read {read} sent message(s), replied to {replied}"
