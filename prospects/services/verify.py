"""Email finding and verification of one contact.

Built-in checks always run, in this order, and the first failure decides ``invalid``: syntax
(email-validator, ``prospects.normalize.email_address``), disposable domain
(``prospects.emails.is_disposable``), MX (a domain that does not exist, has a null MX, or has neither MX nor an
address record). A DNS timeout decides nothing. Whether the address is a role mailbox
(``info@``) is recorded on the contact (``is_role``) and in the evidence; it is not a status.

Then the configured verifiers, MillionVerifier first (cheapest), then Hunter's verifier: the
first decisive answer (valid / catch_all / invalid) wins, an "unknown" asks the next one. What
the finders said of their own find (Hunter finder's verification, Apollo's "verified") counts
when no verifier decided. With no decision the status is ``unknown``, except for an address we
guessed from a name pattern: that is ``risky`` (never sent), as is a guess on a catch-all
domain, where no check can confirm it.

A named contact without an address gets one found: Hunter's finder and Apollo's people match
first (when configured), then the usual patterns (``emails.candidate_patterns``), of which the
first ``FINDER_PATTERN_CHECKS`` are verified while a verifier is configured; without one the
most common pattern is kept as a ``risky`` guess with the other candidates in the evidence.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone

from prospects.clients import VendorError, apollo, hunter, millionverifier
from prospects.clients.mx import MxResult, lookup_mx, make_resolver
from prospects.conf import knob
from prospects.emails import candidate_patterns, is_disposable, is_role_address
from prospects.models import Contact, ProspectEvent
from prospects.mxproviders import mx_provider
from prospects.normalize import email_problem

Status = Contact.Verification
MV_STATUS = {
    "ok": Status.VALID,
    "catch_all": Status.CATCH_ALL,
    "invalid": Status.INVALID,
    "disposable": Status.INVALID,
    "error": Status.INVALID,
}
HUNTER_STATUS = {
    "valid": Status.VALID,
    "webmail": Status.VALID,
    "accept_all": Status.CATCH_ALL,
    "invalid": Status.INVALID,
    "disposable": Status.INVALID,
}
DECISIVE = frozenset({Status.VALID, Status.CATCH_ALL, Status.INVALID})
SAVED_FIELDS = (
    "email", "verification", "verification_evidence", "verified_at", "is_role", "title",
    "linkedin_url", "mx_provider",
)  # fmt: skip


@dataclass
class Verdict:
    email: str
    status: str
    evidence: dict[str, Any] = field(default_factory=dict)
    extras: dict[str, str] = field(default_factory=dict)  # title / linkedin_url from a finder


class Verifier:
    """The checks for one task: remembers each domain's MX answer and vendor trouble."""

    def __init__(self) -> None:
        self.resolver = make_resolver(knob("DNS_RESOLVER"), knob("DNS_TIMEOUT"))
        self.mx_answers: dict[str, MxResult] = {}
        self.vendors = [v for v in (millionverifier, hunter) if v.configured()]
        self.transient: list[str] = []  # retryable vendor errors met so far

    def mx(self, domain: str) -> MxResult:
        if domain not in self.mx_answers:
            self.mx_answers[domain] = lookup_mx(domain, resolver=self.resolver)
        return self.mx_answers[domain]

    def builtin(self, email: str, evidence: dict[str, Any]) -> str:
        """The deciding built-in check's name, or "" when they all pass."""
        problem = email_problem(email)
        evidence["syntax"] = not problem
        if problem:
            evidence["syntax_error"] = problem  # email-validator's reason, for the operator
            return "syntax"
        domain = email.rsplit("@", 1)[1]
        evidence["disposable"] = is_disposable(domain)
        evidence["role"] = is_role_address(email)
        if evidence["disposable"]:
            return "disposable"
        mx = self.mx(domain)
        evidence["mx"] = mx.as_evidence()
        return "mx" if mx.deliverable is False else ""

    def ask(self, vendor: Any, email: str) -> tuple[str, dict[str, Any]]:
        """(status or "", what the vendor said); RateLimited propagates."""
        try:
            if vendor is millionverifier:
                answer = millionverifier.verify_email(email)
                mv_said = {"result": answer.result, "quality": answer.quality}
                return MV_STATUS.get(answer.result, ""), mv_said | {"subresult": answer.subresult}
            check = hunter.verify_email(email)
            said: dict[str, Any] = {"status": check.status, "result": check.result}
            said["score"] = check.score
            return HUNTER_STATUS.get(check.status, ""), said
        except VendorError as exc:
            if exc.retryable:
                self.transient.append(str(exc))
            return "", {"error": exc.detail}

    def check(self, email: str, *, source: str, hints: dict[str, Any] | None = None) -> Verdict:
        evidence: dict[str, Any] = {"source": source}
        if failed := self.builtin(email, evidence):
            return Verdict(email, Status.INVALID, evidence | {"decided_by": failed})
        evidence["vendors"] = {}
        for vendor in self.vendors:
            status, said = self.ask(vendor, email)
            evidence["vendors"][vendor.VENDOR] = said
            if status in DECISIVE:
                return _guess_rule(Verdict(email, status, evidence | {"decided_by": vendor.VENDOR}))
        for name, status in (hints or {}).items():
            evidence["vendors"].setdefault(name, {})["finder_status"] = status
            if status in DECISIVE:
                return _guess_rule(Verdict(email, status, evidence | {"decided_by": name}))
        status = Status.RISKY if source == "pattern" else Status.UNKNOWN
        return Verdict(
            email, status, evidence | {"decided_by": "guess" if source == "pattern" else ""}
        )


def _guess_rule(verdict: Verdict) -> Verdict:
    """A guessed address on a catch-all domain is confirmed by nothing: risky."""
    if verdict.evidence.get("source") == "pattern" and verdict.status == Status.CATCH_ALL:
        verdict.status = Status.RISKY
        verdict.evidence["catch_all_domain"] = True
    return verdict


def _split_name(name: str) -> tuple[str, str]:
    words = name.split()
    return (words[0], " ".join(words[1:])) if words else ("", "")


def _vendor_finds(first: str, last: str, domain: str, notes: list[str]) -> list[Verdict]:
    """Addresses the finders propose, as unverified verdicts carrying their hints."""
    finds: list[Verdict] = []
    if hunter.configured() and last:
        try:
            if found := hunter.find_email(first, last, domain):
                hint = HUNTER_STATUS.get(found.verification, "")
                extras = {"title": found.position, "linkedin_url": found.linkedin_url}
                finds.append(Verdict(found.email.lower(), "", {"hunter_finder": hint}, extras))
        except VendorError as exc:
            notes.append(f"hunter finder: {exc.detail}")
    if apollo.configured() and last:
        try:
            if person := apollo.match_person(first, last, domain):
                hint = Status.VALID if person.email_status == "verified" else ""
                extras = {"title": person.title, "linkedin_url": person.linkedin_url}
                finds.append(Verdict(person.email.lower(), "", {"apollo": hint}, extras))
        except VendorError as exc:
            notes.append(f"apollo: {exc.detail}")
    return finds


def _check_patterns(verifier: Verifier, patterns: list[str]) -> Verdict:
    checked: list[dict[str, str]] = []
    for email in patterns[: max(1, knob("FINDER_PATTERN_CHECKS"))]:
        verdict = verifier.check(email, source="pattern")
        checked.append({"email": email, "status": verdict.status})
        if verdict.status == Status.VALID or verdict.evidence.get("catch_all_domain"):
            verdict.evidence["candidates"] = checked
            return verdict
    return Verdict("", Status.INVALID, {"source": "pattern", "candidates": checked,
                                         "decided_by": "no candidate verified"})  # fmt: skip


def find_address(name: str, domain: str, verifier: Verifier) -> Verdict:
    """The best address for a person at a domain (rules in the module docstring)."""
    mx = verifier.mx(domain)
    if mx.deliverable is False:
        return Verdict("", Status.INVALID, {"mx": mx.as_evidence(), "decided_by": "mx"})
    first, last = _split_name(name)
    notes: list[str] = []
    tried: list[dict[str, str]] = []
    for find in _vendor_finds(first, last, domain, notes):
        source = "hunter" if "hunter_finder" in find.evidence else "apollo"
        verdict = verifier.check(find.email, source=source, hints=find.evidence)
        tried.append({"email": find.email, "source": source, "status": verdict.status})
        if verdict.status in (Status.VALID, Status.CATCH_ALL):
            verdict.extras = find.extras
            return verdict
    patterns = candidate_patterns(first, last, domain)
    if not patterns:
        verdict = Verdict("", Status.UNKNOWN, {"decided_by": "", "reason": "no usable name"})
    elif verifier.vendors:
        verdict = _check_patterns(verifier, patterns)
    else:
        verdict = verifier.check(patterns[0], source="pattern")
        verdict.evidence["candidates"] = [{"email": e} for e in patterns]
    if tried or notes:
        verdict.evidence |= {"finders": tried, "notes": notes}
    return verdict


def _verdict_for(contact: Contact, verifier: Verifier) -> Verdict:
    if contact.email:
        verdict = verifier.check(contact.email.lower(), source=contact.source or "import")
        if legacy := contact.verification_evidence.get("legacy"):
            verdict.evidence["legacy"] = legacy  # what the old system believed, kept beside
        return verdict
    domain = contact.prospect.domain
    if contact.name.strip() and domain:
        return find_address(contact.name, domain, verifier)
    return Verdict("", Status.UNKNOWN, {"decided_by": "", "reason": "no address, name or domain"})


def _save(contact: Contact, verdict: Verdict, now: datetime) -> None:
    if verdict.email and not contact.email:
        owner = (
            Contact.objects.annotate(lower_email=Lower("email"))
            .filter(lower_email=verdict.email)
            .exclude(pk=contact.pk)
            .first()
        )
        if owner is None:
            contact.email = verdict.email
        else:
            verdict.evidence["note"] = f"{verdict.email} is already contact #{owner.pk}"
            verdict.status = Status.UNKNOWN
    for name, value in verdict.extras.items():
        if value and not getattr(contact, name):
            setattr(contact, name, value[:200] if name == "title" else value[:500])
    contact.verification = verdict.status
    contact.verification_evidence = verdict.evidence | {"checked_at": now.isoformat()}
    contact.verified_at = now
    contact.is_role = bool(contact.email) and is_role_address(contact.email)
    contact.mx_provider = _provider(contact, verdict.evidence.get("mx") or {})
    contact.save(update_fields=[*SAVED_FIELDS, "updated_at"])


def _provider(contact: Contact, mx: dict[str, Any]) -> str:
    """The provider from this check's MX answer; a failed lookup keeps what was known."""
    if mx.get("status") == "error" or not contact.email:
        return contact.mx_provider if contact.email else ""
    return mx_provider(list(mx.get("hosts") or []), domain=contact.email.rpartition("@")[2])


def contact_verify(
    *, contact: Contact, now: datetime | None = None, verifier: Verifier | None = None
) -> Verdict:
    """Find (when needed) and verify one contact's address, and record the verdict.

    Raises ``RateLimited`` when a vendor's limit stands, and a retryable ``VendorError`` when
    a vendor failed for a passing reason and nothing else decided (the task retries later).
    """
    now = now or timezone.now()
    verifier = verifier or Verifier()
    verdict = _verdict_for(contact, verifier)
    if verdict.status not in DECISIVE and verifier.transient:
        raise VendorError("verification", "; ".join(verifier.transient), retryable=True)
    with transaction.atomic():
        _save(contact, verdict, now)
        ProspectEvent.objects.create(
            prospect_id=contact.prospect_id,
            kind="verification",
            message=f"{contact.email or contact.name or 'contact'}: {verdict.status}"[:500],
            data={"contact": contact.pk, **contact.verification_evidence},
        )
    return verdict
