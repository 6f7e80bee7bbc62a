"""Erasing what outreach holds about a prospect (GDPR): its enrollments, the emails written to
its people (bodies, subjects, addresses), the messages they sent us, shadow sends.

The rows go now, in the caller's transaction; the stored raw files (``OutboundEmail.raw``,
``InboundMessage.raw``) are returned so that the caller deletes them after its commit.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q

from outreach.models import Enrollment, InboundMessage, OutboundEmail, ShadowSend


@dataclass
class OutreachErasure:
    counts: dict[str, int] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)
    refs: list[tuple[str, str]] = field(default_factory=list)  # (object_type, object_id)


def _address_q(fields: tuple[str, ...], emails: list[str]) -> Q:
    match = Q(pk__in=[])
    for email in emails:
        for name in fields:
            match |= Q(**{f"{name}__iexact": email})
    return match


def outreach_erase(*, prospect_id: int, emails: list[str]) -> OutreachErasure:
    """Delete the prospect's enrollments, outbound emails, inbound messages and shadow sends
    (also those that name one of its ``emails`` without being linked to it, e.g. an orphan
    bounce)."""
    out = OutreachErasure()
    outbound = OutboundEmail.objects.filter(
        Q(prospect_id=prospect_id) | _address_q(("recipient",), emails)
    )
    inbound = InboundMessage.objects.filter(
        Q(prospect_id=prospect_id)
        | Q(matched_outbound__in=outbound)
        | _address_q(("from_address", "to_address", "bounce_recipient"), emails)
    )
    for label, qs in (("outreach.inboundmessage", inbound), ("outreach.outboundemail", outbound)):
        for pk, raw in qs.values_list("pk", "raw"):
            out.refs.append((label, str(pk)))
            if raw:
                out.files.append(raw)
    shadow = ShadowSend.objects.filter(Q(email__in=outbound) | _address_q(("recipient",), emails))
    out.counts["shadow_sends"] = shadow.delete()[0]
    out.counts["inbound_messages"] = inbound.delete()[0]
    enrollment_ids = list(
        Enrollment.objects.filter(
            Q(prospect_id=prospect_id) | Q(pk__in=outbound.values("enrollment_id"))
        ).values_list("pk", flat=True)
    )
    out.refs += [("outreach.enrollment", str(pk)) for pk in enrollment_ids]
    out.counts["outbound_emails"] = outbound.delete()[0]
    out.counts["enrollments"] = Enrollment.objects.filter(pk__in=enrollment_ids).delete()[0]
    return out
