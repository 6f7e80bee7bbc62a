"""Bounces without a delivery-status part: qmail, older Exim, Domino, GMX, stripped NDRs.

The notice is cut where the returned message starts (so our own email's words are never read
as the server's), recipients are found by the line shapes those systems use, and each
recipient's diagnostic is the paragraph that follows its address.
"""

from __future__ import annotations

import re

from inboxes.bounces.classify import normalize_address
from inboxes.bounces.dsn import RecipientReport

_ADDR = r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+"

# Where the copy of the returned message (or its headers) begins.
_ORIGINAL_START = re.compile(
    r"^[ \t]*[-=*_]{2,}.*(copy of|original|returned|header|below this line|kopie|copie|copia"
    r"|kopfzeile|ursprüngl|копия|исходн).*$"
    r"|^[ \t]*(Original message headers|Ursprüngliche Nachrichtenkopfzeilen"
    r"|En-têtes du message d'origine|Cabeçalhos da mensagem original"
    r"|Encabezados del mensaje original|Received|Return-Path):",
    re.IGNORECASE | re.MULTILINE,
)

# Line shapes that carry a failed recipient, most specific first.
_RECIPIENT_LINES = [
    re.compile(p, re.IGNORECASE | re.MULTILINE)
    for p in [
        rf"^[ \t]*<({_ADDR})>:?",  # qmail, Courier, Postfix, Yahoo
        rf"^[ \t]*\"({_ADDR})\":[ \t]*$",  # GMX, web.de
        rf"^[ \t]*({_ADDR})[ \t]*(\(.*\))?:?[ \t]*$",  # Exim, Domino: the address alone
        rf"RCPT TO:?[ \t]*<({_ADDR})>",  # session transcripts (MDaemon)
        rf"(?:delivered to|delivery to|deliver (?:your message )?to|message to|Nachricht an"
        rf"|message (?:à|pour)|mensaje (?:a|para)|mensagem para|письмо (?:для|на))"
        rf"[:\s]*<?({_ADDR})>?",
    ]
]

_REPLY = re.compile(r"(?<![\w.\-/:])[45]\d\d(?=[- :\n]|$)|<<<|\(#[45]\.\d")
_TRANSCRIPT_NOISE = re.compile(r"-->|>>>|^\s*-{3}|^\s*Giving up on", re.IGNORECASE)
MAX_SEGMENT = 1500


def cut_original(text: str) -> tuple[str, str]:
    """Split the notice into (explanation, returned copy)."""
    match = _ORIGINAL_START.search(text)
    if not match:
        return text, ""
    return text[: match.start()], text[match.start() :]


def failed_recipients(explanation: str, known: list[str], ignore: set[str]) -> list[str]:
    """Recipients named in the explanation, in order; ``known`` (X-Failed-Recipients) first."""
    found: list[tuple[int, str]] = []
    for pattern in _RECIPIENT_LINES:
        for match in pattern.finditer(explanation):
            address = normalize_address(match.group(1))
            if address:
                found.append((match.start(), address))
    ordered = [a for _, a in sorted(found)]
    result: list[str] = []
    for address in [*known, *ordered]:
        if address and address not in result and address not in ignore:
            result.append(address)
    return result


def plain_reports(explanation: str, recipients: list[str]) -> list[RecipientReport]:
    """One failed report per recipient, with the text that explains it."""
    if not recipients:
        return [RecipientReport(None, "failed", None, _diagnostic(explanation, explanation))]
    # With a single recipient, a server reply anywhere in the notice is that recipient's.
    whole = explanation if len(recipients) == 1 else ""
    return [
        RecipientReport(r, "failed", None, _diagnostic(segment_for(r, explanation), whole, r))
        for r in recipients
    ]


def segment_for(recipient: str | None, explanation: str) -> str:
    """The explanation from the recipient's address to the end of that paragraph.

    When the address stands alone in its paragraph (Domino puts the reason before it), the
    neighbouring paragraphs are included.
    """
    if not recipient:
        return explanation
    start = explanation.lower().find(recipient)
    if start < 0:
        return explanation
    line_start = explanation.rfind("\n", 0, start) + 1
    paragraph_end = explanation.find("\n\n", start)
    end = len(explanation) if paragraph_end < 0 else paragraph_end
    segment = explanation[line_start:end]
    if len(segment.strip().splitlines()) <= 1:
        before = explanation.rfind("\n\n", 0, max(line_start - 2, 0))
        segment = explanation[max(before, 0) : end + 2 + _next_paragraph(explanation, end)]
    return segment[:MAX_SEGMENT]


def _next_paragraph(text: str, end: int) -> int:
    rest = text[end:].lstrip("\n")
    cut = rest.find("\n\n")
    return len(rest) if cut < 0 else cut


def _diagnostic(segment: str, fallback: str, recipient: str | None = None) -> str:
    """The server's words: from the first SMTP reply to the end of its paragraph.

    qmail's "(#5.1.1)" trails its sentence, so that whole line is kept; transcript lines after
    the reply (QUIT, timestamps) are dropped. Without any reply, the segment minus the bare
    address line is the best there is.
    """
    match = _REPLY.search(segment)
    if match is None and fallback:
        found = _REPLY.search(fallback)
        if found:
            end = fallback.find("\n\n", found.start())
            segment = fallback[: None if end < 0 else end]
            match = found
    if match is None:
        lines = [line for line in segment.splitlines() if line.strip(' \t<>":') != recipient]
        return "\n".join(lines).strip()
    start = match.start()
    if segment.startswith("(#", start):
        start = segment.rfind("\n", 0, start) + 1
    kept: list[str] = []
    for line in segment[start:].splitlines():
        if kept and _TRANSCRIPT_NOISE.search(line):
            break
        kept.append(line)
    return "\n".join(kept).replace("<<<", " ").strip().strip("'")
