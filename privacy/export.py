"""Everything held about a prospect, as JSON (GDPR right of access): ``GET
/api/prospects/{id}/export`` and the prospect page's "Export (JSON)" link."""

from __future__ import annotations

from typing import Any

from django.db.models import Model, Q
from django.forms.models import model_to_dict
from django.utils import timezone

from compliance.services import is_suppressed
from core.errors import NotFound
from core.models import AuditLog
from outreach.models import Enrollment, InboundMessage, OutboundEmail
from prospects.models import Contact, Prospect, ProspectEvent

OUTBOUND_FIELDS = [
    "id", "step", "status", "recipient", "from_address", "subject", "body_text", "body_html",
    "message_id", "in_reply_to", "send_after", "sent_at", "created_at", "bounce_reason",
]  # fmt: skip
INBOUND_FIELDS = [
    "id", "kind", "intent", "from_address", "to_address", "subject", "body_text", "received_at",
    "message_id", "bounce_reason", "bounce_recipient", "created_at",
]  # fmt: skip


def _row(obj: Model, fields: list[str] | None = None, exclude: list[str] | None = None) -> dict:
    data = model_to_dict(obj, fields=fields, exclude=exclude)
    for name in ("id", "created_at", "updated_at", "sent_at", "received_at", "send_after"):
        if hasattr(obj, name) and (fields is None or name in fields):
            data[name] = getattr(obj, name)
    return data


def _suppression(email: str) -> dict[str, Any] | None:
    row = is_suppressed(email)
    if row is None:
        return None
    scope = "erased" if row.is_hashed else "address" if row.email else "domain"
    return {"scope": scope, "reason": row.reason, "source": row.source, "since": row.created_at}


def _audit(prospect: Prospect, contacts: list[Contact], emails: list[int]) -> list[dict]:
    match = Q(object_type="prospects.prospect", object_id=str(prospect.pk))
    match |= Q(object_type="prospects.contact", object_id__in=[str(c.pk) for c in contacts])
    match |= Q(object_type="outreach.outboundemail", object_id__in=[str(pk) for pk in emails])
    return [
        {
            "at": a.created_at,
            "actor": a.actor_label,
            "action": a.action,
            "object": a.object_repr,
            "detail": a.detail,
        }
        for a in AuditLog.objects.filter(match).order_by("created_at", "id")
    ]


def export_prospect(prospect_id: int) -> dict[str, Any]:
    prospect = Prospect.objects.filter(pk=prospect_id).first()
    if prospect is None:
        raise NotFound(f"no prospect {prospect_id}", code="prospect_not_found")
    contacts = list(Contact.objects.filter(prospect=prospect))
    outbound = list(OutboundEmail.objects.filter(prospect=prospect).order_by("created_at", "id"))
    inbound = InboundMessage.objects.filter(
        Q(prospect=prospect) | Q(contact__in=contacts)
    ).order_by("created_at", "id")
    return {
        "exported_at": timezone.now(),
        "prospect": _row(prospect, exclude=["name_key", "city_key", "merged_into"]),
        "contacts": [
            {**_row(c, exclude=["prospect"]), "suppression": _suppression(c.email)}
            for c in contacts
        ],
        "enrollments": [
            {
                "id": e.pk,
                "campaign": e.campaign.name,
                "contact_id": e.contact_id,
                "status": e.status,
                "current_step": e.current_step,
                "created_at": e.created_at,
            }
            for e in Enrollment.objects.filter(prospect=prospect).select_related("campaign")
        ],
        "outbound_emails": [_row(o, fields=OUTBOUND_FIELDS) for o in outbound],
        "inbound_messages": [_row(m, fields=INBOUND_FIELDS) for m in inbound],
        "events": [
            {
                "at": e.created_at,
                "kind": e.kind,
                "message": e.message,
                "data": e.data,
                "actor": e.actor,
            }
            for e in ProspectEvent.objects.filter(prospect=prospect).order_by("created_at", "id")
        ],
        "audit": _audit(prospect, contacts, [o.pk for o in outbound]),
    }
