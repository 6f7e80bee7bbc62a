"""Microsoft Graph sendMail errors mapped onto the bounce vocabulary.

Most Graph errors are about our own mailbox or app registration (permissions, quota, a blocked
account), so they are sender problems and never suppress the recipient.
"""

from __future__ import annotations

import re

from inboxes.bounces.classify import classify, normalize_address, with_reason
from inboxes.bounces.vocabulary import DEFAULT_CAUSES, Reason, Verdict

_GRAPH_CREDENTIALS = "Graph credentials or Mail.Send permission of our app"

GRAPH_CODES: dict[str, tuple[Reason, str]] = {
    "erroraccessdenied": (Reason.POLICY, _GRAPH_CREDENTIALS),
    "accessdenied": (Reason.POLICY, _GRAPH_CREDENTIALS),
    "authorization_requestdenied": (Reason.POLICY, _GRAPH_CREDENTIALS),
    "invalidauthenticationtoken": (Reason.POLICY, _GRAPH_CREDENTIALS),
    "mailboxnotenabledforrestapi": (Reason.POLICY, "our mailbox is not enabled for Graph"),
    "errornonexistentmailbox": (Reason.POLICY, "our Graph sending mailbox was not found"),
    "errorsendasdenied": (Reason.POLICY, "our Graph mailbox lacks Send As permission"),
    "errormessagesubmissionblocked": (
        Reason.BLOCKED,
        "Microsoft 365 blocked our account from sending",
    ),
    "errorquotaexceeded": (Reason.BLOCKED, "our sending mailbox is over its storage quota"),
    "errorinvalidrecipients": (Reason.USER_UNKNOWN, "Graph rejected the recipient address"),
    "errormessagesizeexceeded": (Reason.MESSAGE_TOO_BIG, "the message is too big for Graph"),
    "errorexceededmessagelimit": (Reason.RATE_LIMITED, "Microsoft 365 sending limit reached"),
    "applicationthrottled": (Reason.RATE_LIMITED, "Graph is throttling our app"),
    "toomanyrequests": (Reason.RATE_LIMITED, "Graph is throttling our app"),
    "errorserverbusy": (Reason.NETWORK_ERROR, "Graph is busy"),
    "serviceunavailable": (Reason.NETWORK_ERROR, "Graph is unavailable"),
    "errorinternalservertransienterror": (Reason.NETWORK_ERROR, "Graph had a transient error"),
    "errorinternalservererror": (Reason.NETWORK_ERROR, "Graph had an internal error"),
    "errormailboxstoreunavailable": (Reason.NETWORK_ERROR, "our mailbox store is unavailable"),
    "errortimeoutexpired": (Reason.NETWORK_ERROR, "Graph timed out"),
    "errormimecontentinvalid": (Reason.CONTENT_REJECTED, "Graph refused our MIME message"),
    "errormimecontentconversionfailed": (Reason.CONTENT_REJECTED, "Graph refused our MIME"),
}

_HTTP_FALLBACK: dict[int, tuple[Reason, str]] = {
    401: (Reason.POLICY, _GRAPH_CREDENTIALS),
    403: (Reason.POLICY, _GRAPH_CREDENTIALS),
    404: (Reason.POLICY, "our Graph sending mailbox was not found"),
    413: (Reason.MESSAGE_TOO_BIG, "the message is too big for Graph"),
    429: (Reason.RATE_LIMITED, "Graph is throttling our app"),
}

_RECIPIENT = re.compile(r"recipient\s+'([^']+)'", re.IGNORECASE)


def classify_graph_error(http_status: int, error_code: str | None, message: str) -> Verdict:
    """Classify the ``error.code`` / ``error.message`` of a failed Graph sendMail call."""
    message = message or ""
    found = _RECIPIENT.search(message)
    recipient = normalize_address(found.group(1)) if found else None
    diagnostic = f"HTTP {http_status} {error_code or ''}: {message}".replace(" :", ":")
    # smtp_code=0: "HTTP 429" must not be read as an SMTP reply code.
    verdict = classify(None, diagnostic, smtp_code=0, recipient=recipient)
    known = GRAPH_CODES.get((error_code or "").lower())
    if known:
        return with_reason(verdict, *known)
    if verdict.reason != Reason.UNDEFINED:
        return verdict
    fallback = _HTTP_FALLBACK.get(http_status)
    if fallback:
        return with_reason(verdict, *fallback)
    if http_status >= 500:
        return with_reason(verdict, Reason.NETWORK_ERROR, DEFAULT_CAUSES[Reason.NETWORK_ERROR])
    return verdict
