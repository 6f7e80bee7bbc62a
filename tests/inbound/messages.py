"""Realistic inbound messages, written for these tests, built around our own Message-IDs."""

from __future__ import annotations

CRLF = "\r\n"


def _raw(text: str) -> bytes:
    return text.strip("\n").replace("\n", CRLF).encode("utf-8") + CRLF.encode()


def plain_reply(
    *,
    frm: str,
    to: str,
    subject: str,
    in_reply_to: str = "",
    references: str = "",
    body: str,
    msgid: str = "<r1@hotel.example>",
) -> bytes:
    thread = ""
    if in_reply_to:
        thread += f"In-Reply-To: {in_reply_to}\n"
    if references:
        thread += f"References: {references}\n"
    return _raw(f"""From: {frm}
To: {to}
Subject: Re: {subject}
Date: Wed, 02 Dec 2026 09:14:03 +0000
Message-ID: {msgid}
{thread}MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

{body}
""")


def gmail_reply(*, frm: str, to: str, subject: str, ours: str, body: str) -> bytes:
    # Gmail: its own Message-ID, multipart/alternative, the quote under "On ... wrote:".
    return _raw(f"""MIME-Version: 1.0
Date: Wed, 2 Dec 2026 10:02:11 +0000
References: {ours}
In-Reply-To: {ours}
Message-ID: <CAK7v1nQ=pZ3x8mF2Q@mail.gmail.com>
Subject: Re: {subject}
From: Rita Lopes <{frm}>
To: Jengu Sales <{to}>
Content-Type: multipart/alternative; boundary="000000000000a1b2c3d4e5f6"

--000000000000a1b2c3d4e5f6
Content-Type: text/plain; charset="UTF-8"
Content-Transfer-Encoding: quoted-printable

{body}

On Tue, Dec 1, 2026 at 10:00=E2=80=AFAM Jengu Sales <{to}> wrote:
> Would a short call make sense? We help hotels like yours answer guests faster.

--000000000000a1b2c3d4e5f6
Content-Type: text/html; charset="UTF-8"

<div dir=3D"ltr">{body}</div>

--000000000000a1b2c3d4e5f6--
""")


def outlook_reply(*, frm: str, to: str, subject: str, ours: str, body: str) -> bytes:
    return _raw(f"""From: Tobias Weber <{frm}>
To: "Jengu Sales" <{to}>
Subject: AW: {subject}
Thread-Topic: {subject}
Thread-Index: AQHZpU1kZXN0aW5hdGlvbg==
Date: Wed, 2 Dec 2026 11:30:00 +0000
Message-ID: <AM0PR03MB5123ABCDEF0123456789@AM0PR03MB5123.eurprd03.prod.outlook.com>
References: {ours}
In-Reply-To: {ours}
Content-Language: de-DE
X-MS-Has-Attach:
MIME-Version: 1.0
Content-Type: text/html; charset="utf-8"
Content-Transfer-Encoding: quoted-printable

<html><body><p>{body}</p>
<div id=3D"divRplyFwdMsg"><b>From:</b> Jengu Sales &lt;{to}&gt;<br><b>Sent:</b> Tuesday, December 1, 2026 10:00 AM<br>
<b>Subject:</b> {subject}</div><p>Would you be open to a short call?</p></body></html>
""")


def postfix_dsn(*, to: str, rcpt: str, ours: str) -> bytes:
    return _raw(f"""From: MAILER-DAEMON@mx.sender.example (Mail Delivery System)
To: {to}
Subject: Undelivered Mail Returned to Sender
Date: Tue, 01 Dec 2026 10:00:05 +0000
Message-ID: <20261201100005.4F1A2@mx.sender.example>
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="4F1A2.1764583205/mx.sender.example"

--4F1A2.1764583205/mx.sender.example
Content-Description: Notification
Content-Type: text/plain; charset=us-ascii

This is the mail system at host mx.sender.example.

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients.

<{rcpt}>: host mx.hotel.example[198.51.100.7] said: 550 5.1.1
    <{rcpt}>: Recipient address rejected: User unknown in virtual mailbox
    table (in reply to RCPT TO command)

--4F1A2.1764583205/mx.sender.example
Content-Description: Delivery report
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.sender.example
Arrival-Date: Tue,  1 Dec 2026 10:00:01 +0000 (UTC)

Final-Recipient: rfc822; {rcpt}
Original-Recipient: rfc822;{rcpt}
Action: failed
Status: 5.1.1
Remote-MTA: dns; mx.hotel.example
Diagnostic-Code: smtp; 550 5.1.1 <{rcpt}>: Recipient address rejected: User unknown in virtual mailbox table

--4F1A2.1764583205/mx.sender.example
Content-Description: Undelivered Message Headers
Content-Type: text/rfc822-headers

From: Jengu Sales <{to}>
To: <{rcpt}>
Subject: A quick question
Message-ID: {ours}
Date: Tue, 01 Dec 2026 10:00:00 +0000

--4F1A2.1764583205/mx.sender.example--
""")


def exchange_dsn(*, to: str, rcpt: str, ours: str) -> bytes:
    return _raw(f"""From: Microsoft Outlook <postmaster@hotel.example>
To: <{to}>
Subject: Undeliverable: A quick question
Date: Tue, 1 Dec 2026 10:00:09 +0000
Message-ID: <7a1c9f0e-1b7f-4c25-9d0a-2f0d8c6b5e11@VI1PR03MB1234.eurprd03.prod.outlook.com>
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="_000_7a1c9f0e_"

--_000_7a1c9f0e_
Content-Type: text/plain; charset="us-ascii"

Your message to {rcpt} couldn't be delivered.
{rcpt.split("@")[0]} wasn't found at hotel.example.

Remote Server returned '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup'

--_000_7a1c9f0e_
Content-Type: message/delivery-status

Reporting-MTA: dns;VI1PR03MB1234.eurprd03.prod.outlook.com
Received-From-MTA: dns;mx.sender.example

Final-Recipient: rfc822;{rcpt}
Action: failed
Status: 5.1.10
Diagnostic-Code: smtp;550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup

--_000_7a1c9f0e_
Content-Type: message/rfc822

From: Jengu Sales <{to}>
To: <{rcpt}>
Subject: A quick question
Message-ID: {ours}
Date: Tue, 01 Dec 2026 10:00:00 +0000
Content-Type: text/plain

Hello

--_000_7a1c9f0e_--
""")


def out_of_office(*, frm: str, to: str, subject: str, ours: str) -> bytes:
    return _raw(f"""From: {frm}
To: {to}
Subject: Automatic reply: {subject}
Date: Tue, 01 Dec 2026 10:00:30 +0000
Message-ID: <ooo-1@hotel.example>
In-Reply-To: {ours}
Auto-Submitted: auto-replied
X-Auto-Response-Suppress: All
Content-Type: text/plain; charset=utf-8

Thank you for your email. I am out of the office until 14 December 2026 with limited
access to email. For urgent matters please call reception.
""")


MALFORMED = (
    b"From: someone@hotel.example\r\nSubject: =?x-unknown?Q?broken?=\r\n"
    b"Message-ID: <malformed-1@hotel.example>\r\n"
    b'Content-Type: multipart/mixed; boundary="never-closed"\r\n\r\n'
    b"--never-closed\r\nContent-Type: text/plain; charset=x-klingon\r\n"
    b"Content-Transfer-Encoding: base64\r\n\r\n!!!not base64\xff\xfe\r\n"
)
