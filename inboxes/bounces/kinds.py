"""What kind of inbound message is this: bounce, complaint, auto-reply, opt-out, reply or other.

analyze_message never raises: an unreadable message becomes kind "other" flagged "malformed",
so one hostile message cannot stall the inbox reader.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from email.message import Message

from inboxes.bounces import complaints, signals
from inboxes.bounces.classify import classify, normalize_address, with_reason
from inboxes.bounces.dsn import Original, RecipientReport, dsn_reports, original
from inboxes.bounces.mime import (
    address,
    display_name,
    first_message_id,
    has_defects,
    header,
    message_ids,
    notice_text,
    param,
    parse_bytes,
)
from inboxes.bounces.people import person_kind
from inboxes.bounces.plaintext import cut_original, failed_recipients, plain_reports, segment_for
from inboxes.bounces.shape import header_block, outline
from inboxes.bounces.vocabulary import MessageKind, Reason, Verdict

log = logging.getLogger(__name__)


@dataclass
class Analysis:
    kind: MessageKind
    verdicts: list[Verdict] = field(default_factory=list)
    original_message_id: str | None = None
    flags: list[str] = field(default_factory=list)
    subject: str = ""
    from_address: str = ""
    recipient: str | None = None  # first failed or complained-about recipient
    message_id: str | None = None
    in_reply_to: str | None = None
    references: list[str] = field(default_factory=list)

    @property
    def verdict(self) -> Verdict | None:
        return self.verdicts[0] if self.verdicts else None

    def summary(self) -> dict[str, str | None]:
        """The fields ``inspect_message --json`` prints (without file, intent, confidence)."""
        v = self.verdict
        return {
            "kind": str(self.kind),
            "reason": str(v.reason) if v else None,
            "consequence": str(v.consequence) if v else None,
            "recipient": self.recipient,
            "status": v.status if v else None,
            "diagnostic": v.diagnostic if v else None,
            "original_message_id": self.original_message_id,
        }


@dataclass
class _Parsed:
    msg: Message
    subject: str
    from_address: str
    notice: str
    flags: list[str]


def analyze_message(raw: bytes) -> Analysis:
    """Decide the kind of an inbound message and, for bounces, classify each failed recipient."""
    return analyze_parsed(raw)[0]


def analyze_parsed(raw: bytes) -> tuple[Analysis, Message | None]:
    """``analyze_message`` and the message it parsed (None when it was too deep to parse whole
    or unreadable), so the inbound reader reads the body and headers without a second parse."""
    seen: list[Message] = []
    try:
        if isinstance(raw, str):  # be forgiving with callers that already decoded
            raw = raw.encode("utf-8", "surrogateescape")
        return _analyze(bytes(raw), seen), (seen[0] if seen else None)
    except Exception:  # the inbound pipeline must survive any message
        log.warning("inbound message could not be analysed", exc_info=True)
        return Analysis(kind=MessageKind.OTHER, flags=["malformed", "unreadable"]), None


def _analyze(raw: bytes, seen: list[Message] | None = None) -> Analysis:
    shape = outline(raw)  # depth and size limits: inboxes/bounces/shape.py
    if shape.headers_only:
        return _headers_only(raw, list(shape.flags))
    parsed = _parse(shape.readable)
    if seen is not None:
        seen.append(parsed.msg)
    parsed.flags += shape.flags
    # Non-ARF complaints come last: a bounce that mentions spam stays a bounce.
    for decide in (_complaint, _dsn_bounce, _plain_bounce, _other_complaint):
        result = decide(parsed)
        if result is not None:
            return result
    return _human_or_auto(parsed)


def _parse(raw: bytes) -> _Parsed:
    msg = parse_bytes(raw)
    notice, clean = notice_text(msg)
    flags = [] if clean and not has_defects(msg) else ["malformed"]
    return _Parsed(msg, header(msg, "Subject"), address(msg, "From"), notice, flags)


def _headers_only(raw: bytes, flags: list[str]) -> Analysis:
    """Too deep or too many parts to parse: stored and flagged, matched by its headers only."""
    msg = parse_bytes(header_block(raw))
    parsed = _Parsed(msg, header(msg, "Subject"), address(msg, "From"), "", ["malformed", *flags])
    analysis = _base(parsed, MessageKind.OTHER)
    analysis.original_message_id = analysis.in_reply_to
    return analysis


def _base(p: _Parsed, kind: MessageKind, **extra: object) -> Analysis:
    analysis = Analysis(
        kind=kind,
        flags=list(p.flags),
        subject=p.subject,
        from_address=p.from_address,
        message_id=first_message_id(header(p.msg, "Message-ID")),
        in_reply_to=first_message_id(header(p.msg, "In-Reply-To")),
        references=message_ids(header(p.msg, "References")),
    )
    for key, value in extra.items():
        setattr(analysis, key, value)
    return analysis


# --- complaints (inboxes/bounces/complaints.py) -------------------------------------------
def _complaint(p: _Parsed) -> Analysis | None:
    return _as_complaint(p, complaints.arf(p.msg, p.notice))


def _other_complaint(p: _Parsed) -> Analysis | None:
    found = complaints.non_arf(
        p.msg, subject=p.subject, from_address=p.from_address, notice=p.notice
    )
    return _as_complaint(p, found)


def _as_complaint(p: _Parsed, found: complaints.Complaint | None) -> Analysis | None:
    if found is None:
        return None
    analysis = _base(p, MessageKind.COMPLAINT, recipient=found.recipient)
    analysis.original_message_id = found.original_message_id
    analysis.flags += found.flags
    return analysis


# --- bounces ----------------------------------------------------------------------------------
def _dsn_bounce(p: _Parsed) -> Analysis | None:
    reports, found = dsn_reports(p.msg)
    if not found or not reports:
        return None
    failed = [r for r in reports if _is_failure(r, p.subject)]
    if not failed:
        flags = sorted({r.action for r in reports if r.action})
        return _report_only(p, flags)
    explanation, _ = cut_original(p.notice)
    return _bounce(p, [_verdict(r, explanation) for r in failed])


def _report_only(p: _Parsed, flags: list[str]) -> Analysis:
    """A delay, relay or delivery report: never a bounce, but still tied to its ledger row."""
    analysis = _base(p, MessageKind.OTHER, flags=[*p.flags, "delivery_report", *flags])
    analysis.original_message_id = _original(p).message_id or analysis.in_reply_to
    return analysis


def _is_failure(report: RecipientReport, subject: str) -> bool:
    if report.action:
        return report.action.startswith("fail")
    # No Action field: a permanent status fails; a temporary one is a delay unless it says so.
    status = (report.status or "").strip()
    return status.startswith("5") or (status.startswith("4") and not signals.DELAY.search(subject))


def _verdict(report: RecipientReport, explanation: str) -> Verdict:
    verdict = classify(report.status, report.diagnostic, recipient=report.recipient)
    if verdict.reason == Reason.UNDEFINED or not verdict.diagnostic:
        context = segment_for(report.recipient, explanation)
        wider = classify(report.status, f"{report.diagnostic}\n{context}")
        diagnostic = verdict.diagnostic or wider.diagnostic
        verdict = with_reason(verdict, wider.reason, wider.cause)
        verdict = _replace_diagnostic(verdict, diagnostic, wider.status)
    return _gave_up(verdict)


def _replace_diagnostic(verdict: Verdict, diagnostic: str, status: str | None) -> Verdict:
    return replace(verdict, diagnostic=diagnostic, status=verdict.status or status)


def _gave_up(verdict: Verdict) -> Verdict:
    # A failure carrying a 4.x.x status is the MTA giving up after retries; when the last
    # error was only a network hiccup (or unreadable), "expired" is the honest reason.
    temporary = (verdict.status or "").startswith("4")
    if temporary and verdict.reason in (Reason.NETWORK_ERROR, Reason.UNDEFINED):
        return with_reason(verdict, Reason.EXPIRED, f"gave up after retries: {verdict.cause}")
    return verdict


def _plain_bounce(p: _Parsed) -> Analysis | None:
    if not _looks_like_bounce(p):
        return None
    explanation, _ = cut_original(p.notice)
    if _is_delay_or_success(p.subject, explanation):
        flags = ["delayed"] if signals.DELAY.search(f"{p.subject}\n{explanation}") else []
        return _report_only(p, flags)
    known = [a for a in (normalize_address(x) for x in _failed_header(p.msg)) if a]
    ignore = {p.from_address, address(p.msg, "To")}
    recipients = failed_recipients(explanation, known, ignore)
    if not recipients and (source_to := _original(p).to):
        recipients = [source_to]
    reports = plain_reports(explanation, recipients)
    analysis = _bounce(p, [_verdict(r, explanation or p.notice) for r in reports])
    analysis.flags.append("plain_text")
    return analysis


def _failed_header(msg: Message) -> list[str]:
    return [x for x in header(msg, "X-Failed-Recipients").split(",") if x.strip()]


def _looks_like_bounce(p: _Parsed) -> bool:
    local, _, _ = p.from_address.partition("@")
    daemon = signals.is_daemon_sender(local, display_name(p.msg, "From"))
    report = param(p.msg, "report-type") == "delivery-status"
    subject = bool(signals.BOUNCE_SUBJECT.search(p.subject))
    body = bool(signals.BOUNCE_BODY.search(p.notice))
    # A daemon's delay warning has no failure wording but must not pass for an auto-reply.
    delay = (daemon or report) and bool(signals.DELAY.search(f"{p.subject}\n{p.notice}"))
    return (
        (daemon or report or subject) and (body or subject or delay) and (daemon or report or body)
    )


def _is_delay_or_success(subject: str, explanation: str) -> bool:
    if signals.GAVE_UP.search(explanation):
        return False
    return bool(
        signals.DELAY.search(f"{subject}\n{explanation}") or signals.SUCCESS.search(subject)
    )


def _bounce(p: _Parsed, verdicts: list[Verdict]) -> Analysis:
    analysis = _base(p, MessageKind.BOUNCE, verdicts=verdicts)
    analysis.recipient = next((v.recipient for v in verdicts if v.recipient), None)
    source = _original(p)
    # Exchange NDRs also thread themselves onto the original with In-Reply-To.
    analysis.original_message_id = source.message_id or analysis.in_reply_to
    return analysis


def _original(p: _Parsed) -> Original:
    return original(p.msg, p.notice)


# --- people and their machines (inboxes/bounces/people.py) ---------------------------------
def _human_or_auto(p: _Parsed) -> Analysis:
    kind = person_kind(p.msg, subject=p.subject, from_address=p.from_address, notice=p.notice)
    analysis = _base(p, kind)
    references = analysis.references
    analysis.original_message_id = analysis.in_reply_to or (references[-1] if references else None)
    return analysis
