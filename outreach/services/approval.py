"""The approval queue: first emails of a campaign that reviews them wait for an operator.

``email_prepare`` creates them ``awaiting_approval``; the claim selects ``queued`` rows only, so
nothing here races a sender. Approving moves a draft to ``queued`` (optionally with the
operator's edits); rejecting moves it to ``rejected`` with the reason and stops its enrollment
(the prospect is not written to by this campaign; a new enrollment elsewhere still may).
Every decision is one guarded UPDATE (``outreach.transitions``) on a row locked for the
decision, and an audit record.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import DatabaseError, transaction
from django.utils import timezone

from aiengine.writer import Draft, validate_draft
from core.errors import Conflict, JenguError, NotFound
from core.services import audit_record
from outreach import transitions
from outreach.models import Enrollment, OutboundEmail
from outreach.services.sequences import enrollments_stop

AWAITING = OutboundEmail.Status.AWAITING_APPROVAL
REASON_MAX = 300


class InvalidDraft(JenguError):
    """An edit the writer's own checks refuse; ``fields`` names the part (subject or body)."""

    status = 400
    code = "invalid"

    def __init__(self, fields: dict[str, list[str]]) -> None:
        super().__init__("Invalid input: " + ", ".join(sorted(fields)) + ".")
        self.fields = fields


@dataclass(frozen=True)
class DraftEdit:
    subject: str | None = None
    body: str | None = None


@dataclass
class Decision:
    """What a (bulk) decision did: the ids it applied to, and why the others were left."""

    done: list[int] = field(default_factory=list)
    skipped: dict[int, str] = field(default_factory=dict)

    def as_dict(self, verb: str) -> dict[str, Any]:
        return {
            verb: self.done,
            "skipped": [{"id": k, "reason": v} for k, v in sorted(self.skipped.items())],
        }


def awaiting_approval() -> Any:
    """The drafts awaiting approval (served by the partial index ``outbound_awaiting``)."""
    return OutboundEmail.objects.filter(status=AWAITING)


def _problems(subject: str, body: str) -> dict[str, list[str]]:
    """The writer's checks (aiengine.writer.validation), sorted by the part they concern."""
    fields: dict[str, list[str]] = {}
    for problem in validate_draft(Draft(subject=subject, body=body)):
        fields.setdefault("subject" if problem.startswith("subject") else "body", []).append(
            problem
        )
    return fields


def _edited(email: OutboundEmail, edit: DraftEdit) -> dict[str, str]:
    """The changed fields of a valid edit, or InvalidDraft."""
    subject = email.subject if edit.subject is None else edit.subject.strip()
    # A browser's textarea sends CRLF line ends; the ledger keeps LF like the writers.
    body = email.body_text if edit.body is None else edit.body.replace("\r\n", "\n").strip()
    fields = _problems(subject, body)
    if fields:
        raise InvalidDraft(fields)
    changes = {"subject": subject, "body_text": body}
    return {k: v for k, v in changes.items() if getattr(email, k).strip() != v}


def _locked_awaiting(email_id: int) -> OutboundEmail | None:
    return OutboundEmail.objects.select_for_update().filter(pk=email_id, status=AWAITING).first()


def _why_not(email_id: int) -> str:
    status = OutboundEmail.objects.filter(pk=email_id).values_list("status", flat=True).first()
    return "not found" if status is None else f"no longer awaiting approval ({status})"


def _apply_edit(
    email: OutboundEmail, edit: DraftEdit | None, user: Any, now: datetime
) -> list[str]:
    changes = _edited(email, edit) if edit else {}
    if changes:
        # Guarded like a transition: only a draft still awaiting approval may change.
        OutboundEmail.objects.filter(pk=email.pk, status=AWAITING).update(**changes, updated_at=now)
        audit_record(action="draft_edited", actor=user, obj=email, detail={"fields": [*changes]})
    return list(changes)


def approval_edit(*, email_id: int, user: Any, edit: DraftEdit) -> OutboundEmail:
    """Change the subject and/or body of a draft awaiting approval (checked like the writer's)."""
    now = timezone.now()
    with transaction.atomic():
        email = _locked_awaiting(email_id)
        if email is None:
            raise not_awaiting_error(email_id)
        _apply_edit(email, edit, user, now)
    return OutboundEmail.objects.get(pk=email_id)


def not_awaiting_error(email_id: int) -> JenguError:
    """Why a decision on this email did not apply: 404 unknown, 409 decided or cancelled."""
    reason = _why_not(email_id)
    if reason == "not found":
        return NotFound(f"no email {email_id}", code="not_found")
    return Conflict(f"email {email_id} is {reason}", code="not_awaiting_approval")


def approval_approve(
    *,
    email_ids: Iterable[int],
    user: Any,
    edits: Mapping[int, DraftEdit] | None = None,
) -> Decision:
    """Approve each draft still awaiting approval, after its edit (if any); each on its own."""
    result, edits, now = Decision(), edits or {}, timezone.now()
    for email_id in dict.fromkeys(email_ids):
        with transaction.atomic():
            email = _locked_awaiting(email_id)
            if email is None:
                result.skipped[email_id] = _why_not(email_id)
                continue
            edited = _apply_edit(email, edits.get(email_id), user, now)
            if not transitions.approve(email_id, now=now, reviewer_id=_user_id(user)):
                raise DatabaseError(f"approval of email {email_id} did not apply")  # row locked
            audit_record(action="draft_approved", actor=user, obj=email, detail={"edited": edited})
        result.done.append(email_id)
    return result


def approval_reject(*, email_ids: Iterable[int], user: Any, reason: str) -> Decision:
    """Reject each draft still awaiting approval; its enrollment stops with the reason."""
    reason = reason.strip()[:REASON_MAX]
    if not reason:
        raise InvalidDraft({"reason": ["A reason is required."]})
    result, now = Decision(), timezone.now()
    for email_id in dict.fromkeys(email_ids):
        with transaction.atomic():
            email = _locked_awaiting(email_id)
            if email is None:
                result.skipped[email_id] = _why_not(email_id)
                continue
            if not transitions.reject(email_id, now=now, reviewer_id=_user_id(user), reason=reason):
                raise DatabaseError(f"rejection of email {email_id} did not apply")  # row locked
            audit_record(action="draft_rejected", actor=user, obj=email, detail={"reason": reason})
            enrollments_stop(
                ids=[email.enrollment_id],
                reason=f"first email rejected: {reason}"[:200],
                status=Enrollment.Status.STOPPED,
                actor=user,
            )
        result.done.append(email_id)
    return result


def _user_id(user: Any) -> int | None:
    return getattr(user, "pk", None) if hasattr(user, "get_username") else None
