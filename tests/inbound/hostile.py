"""Hostile and oversized inbound messages, written for these tests."""

from __future__ import annotations

import os
from email import policy
from email.message import EmailMessage

ATTACHMENT_BYTES = 20 * 1024 * 1024


def nul_message(*, frm: str, to: str, raw_nul: bool = True) -> bytes:
    """NUL in a header (Subject, kept in the headers JSON) and in the text.

    Encoded NULs (an RFC 2047 word, quoted-printable ``=00``) reach the text through any server;
    a raw NUL byte only through a Maildir: Dovecot serves it as 0x80.
    """
    raw = "\x00 byte" if raw_nul else ""
    return (
        f"From: {frm}\r\nTo: {to}\r\n"
        "Subject: =?utf-8?q?Re=3A_rates=00_for_groups?=\r\n"
        "Date: Tue, 01 Dec 2026 10:40:00 +0000\r\n"
        "Message-ID: <nul-1@hotel.example>\r\n"
        "MIME-Version: 1.0\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n"
        "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
        f"Hello=00, who are you?{raw}\r\n"
    ).encode()


def deep_message(*, frm: str, to: str, levels: int = 10_000) -> bytes:
    """A multipart nested ``levels`` deep, with a text part at the bottom."""
    parts = [
        f"From: {frm}\r\nTo: {to}\r\nSubject: deep\r\nMessage-ID: <deep-1@hotel.example>\r\n"
        "MIME-Version: 1.0\r\n".encode()
    ]
    parts += [
        b'Content-Type: multipart/mixed; boundary="b%d"\r\n\r\n--b%d\r\n' % (i, i)
        for i in range(levels)
    ]
    parts.append(b"Content-Type: text/plain\r\n\r\nYes, interested.\r\n")
    parts += [b"--b%d--\r\n" % i for i in reversed(range(levels))]
    return b"".join(parts)


def with_attachment(
    *, frm: str, to: str, subject: str, in_reply_to: str, body: str, size: int = ATTACHMENT_BYTES
) -> bytes:
    """A reply whose text comes with a large PDF, as mail clients send it (base64)."""
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = frm, to, f"Re: {subject}"
    msg["Message-ID"], msg["In-Reply-To"] = "<big-1@hotel.example>", in_reply_to
    msg.set_content(body)
    msg.add_alternative(f"<p>{body}</p>", subtype="html")
    msg.add_attachment(
        os.urandom(size), maintype="application", subtype="pdf", filename="floor-plans.pdf"
    )
    return msg.as_bytes(policy=policy.SMTP)  # CRLF, as IMAP stores it
