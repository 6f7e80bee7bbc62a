"""One classifier for every rejection: SMTP replies, Graph sendMail errors and DSN diagnostics.

It decides by reason (the text and the enhanced status code together), never by the status
class alone: real servers answer 4.x.x for unknown users and 5.2.2 for a full mailbox.
"""

from __future__ import annotations

import re
from dataclasses import replace

from inboxes.bounces.mime import clean_str
from inboxes.bounces.patterns import (
    BLOCKLIST_NAMES,
    GENERIC_RULES,
    SMTP_CODE_REASONS,
    SPECIFIC_RULES,
    STATUS_RULES,
    Rule,
)
from inboxes.bounces.vocabulary import CONSEQUENCES, DEFAULT_CAUSES, Reason, Verdict

MAX_DIAGNOSTIC = 1000

_ENHANCED = re.compile(r"(?<![\d.])([45])\.(\d{1,3})\.(\d{1,3})(?!\.?\d)")
_SMTP_CODE = re.compile(r"(?<![\w.\-/:])([45]\d\d)(?=[ \-:]|$)")
_REPLY_PREFIX = re.compile(r"(?<![\w.])([45]\d\d)[- ](?:([45]\.\d{1,3}\.\d{1,3}) )?")
_ADDRESS = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+")


def classify(
    status: str | None,
    diagnostic: str,
    *,
    smtp_code: int | None = None,
    recipient: str | None = None,
) -> Verdict:
    """Classify one rejection from its enhanced status code and the remote server's text."""
    text = tidy_diagnostic(diagnostic or "")
    code = _status_code(status, text)
    smtp = smtp_code if smtp_code is not None else _smtp_code(text)
    temporary = _is_temporary(code, smtp)
    reason, cause = _decide(text, code, smtp, temporary)
    return Verdict(
        reason=reason,
        consequence=CONSEQUENCES[reason],
        status=code,
        diagnostic=text,
        cause=cause,
        recipient=normalize_address(recipient),
        smtp_code=smtp if smtp is not None and smtp > 0 else None,
    )


def classify_smtp_error(
    code: int, message: bytes | str, *, recipient: str | None = None
) -> Verdict:
    """Classify an smtplib exception's ``smtp_code`` and ``smtp_error``.

    smtplib uses -1 when there was no reply at all (a dropped connection): a network error
    unless the text says otherwise.
    """
    text = message.decode("utf-8", "replace") if isinstance(message, bytes) else str(message)
    diagnostic = f"{code} {text}" if code > 0 else text
    verdict = classify(None, diagnostic, smtp_code=code, recipient=recipient)
    if code <= 0 and verdict.reason == Reason.UNDEFINED:
        return with_reason(verdict, Reason.NETWORK_ERROR, DEFAULT_CAUSES[Reason.NETWORK_ERROR])
    return verdict


def with_reason(verdict: Verdict, reason: Reason, cause: str) -> Verdict:
    """The same verdict with another reason (and the consequence that goes with it)."""
    return replace(verdict, reason=reason, consequence=CONSEQUENCES[reason], cause=cause)


def tidy_diagnostic(text: str) -> str:
    """One line of server text: whitespace collapsed, SMTP continuation prefixes removed."""
    text = " ".join(clean_str(text).split())
    match = _REPLY_PREFIX.search(text)
    if match:
        code, enhanced = match.group(1), match.group(2)
        if enhanced:
            again = rf"(?<=\s)(?:{code}[- ])?{re.escape(enhanced)} "
        else:
            again = rf"(?<=\s){code}[- ](?=\S)"
        text = text[: match.end()] + re.sub(again, "", text[match.end() :])
    return text[:MAX_DIAGNOSTIC]


def normalize_address(value: str | None) -> str | None:
    """``rfc822; <User@Example.com>`` -> ``user@example.com``; None when there is no address."""
    if not value:
        return None
    match = _ADDRESS.search(value.split(";")[-1]) or _ADDRESS.search(value)
    return match.group(0).strip(".").lower() if match else None


def enhanced_status(text: str | None) -> str | None:
    match = _ENHANCED.search(text or "")
    return ".".join(match.groups()) if match else None


def _status_code(status: str | None, text: str) -> str | None:
    declared = enhanced_status(status)
    in_text = enhanced_status(text)
    # DSNs often say a vague "5.0.0" while the server's own reply carries "5.1.1".
    if declared and in_text and declared.endswith(".0") and in_text[0] == declared[0]:
        return in_text
    return declared or in_text


def _smtp_code(text: str) -> int | None:
    match = _SMTP_CODE.search(text)
    return int(match.group(1)) if match else None


def _is_temporary(code: str | None, smtp: int | None) -> bool:
    if code:
        return code.startswith("4")
    return smtp is not None and 400 <= smtp < 500


def _decide(text: str, code: str | None, smtp: int | None, temporary: bool) -> tuple[Reason, str]:
    rule = _first_match(SPECIFIC_RULES, text, temporary)
    if rule is None and code:
        rule = next((r for r in STATUS_RULES if r.pattern.fullmatch(code)), None)
    if rule is None:
        rule = _first_match(GENERIC_RULES, text, temporary)
    if rule is not None:
        return rule.reason, _cause(rule, text)
    reason = SMTP_CODE_REASONS.get(smtp or 0, Reason.UNDEFINED)
    return reason, DEFAULT_CAUSES[reason]


def _first_match(rules: list[Rule], text: str, temporary: bool) -> Rule | None:
    for rule in rules:
        if rule.permanent_only and temporary:
            continue
        if rule.pattern.search(text):
            return rule
    return None


def _cause(rule: Rule, text: str) -> str:
    if rule.cause != "IP on a blocklist":
        return rule.cause
    for pattern, name in BLOCKLIST_NAMES:
        if pattern.search(text):
            return f"IP on a blocklist ({name})"
    return rule.cause
