"""``shadow_report``: what Jengu would have sent during the parallel run (``ShadowSend``)
against what the old system sent in the same period (a fresh export), per recipient.

- overlaps: people both would have written to (after the cut-over, the final import keeps the
  old system's step and cancels Jengu's, so they are not written to twice);
- only Jengu / only the old system: the differences in who gets mail;
- suppressed: people Jengu would have written to although they are suppressed in Jengu, excluded
  or bounced in the export, or unsubscribed/bounced in a ``campaign_leads`` row. There must be
  none: the command exits with an error when there are.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from compliance.services import is_suppressed
from migration import values
from migration.emails import SENT, outbound
from migration.readers import Export, read_export
from outreach.models import ShadowSend

Item = dict[str, Any]


@dataclass
class ShadowComparison:
    since: datetime
    until: datetime
    jengu: dict[str, list[Item]] = field(default_factory=dict)
    legacy: dict[str, list[Item]] = field(default_factory=dict)
    suppressed: list[Item] = field(default_factory=list)

    @property
    def overlaps(self) -> list[Item]:
        both = sorted(set(self.jengu) & set(self.legacy))
        return [_overlap(r, self.jengu[r], self.legacy[r]) for r in both]

    @property
    def only_jengu(self) -> list[Item]:
        return [i for r in sorted(set(self.jengu) - set(self.legacy)) for i in self.jengu[r]]

    @property
    def only_legacy(self) -> list[Item]:
        return [i for r in sorted(set(self.legacy) - set(self.jengu)) for i in self.legacy[r]]

    def as_dict(self) -> dict[str, Any]:
        return {
            "since": self.since.isoformat(),
            "until": self.until.isoformat(),
            "jengu_recipients": len(self.jengu),
            "legacy_recipients": len(self.legacy),
            "overlaps": self.overlaps,
            "only_jengu": self.only_jengu,
            "only_legacy": self.only_legacy,
            "suppressed": self.suppressed,
        }


def _overlap(recipient: str, jengu: list[Item], legacy: list[Item]) -> Item:
    senders = {i["from"] for i in legacy if i["from"]}
    other_sender = [i["from"] for i in jengu if i["from"] and senders and i["from"] not in senders]
    return {
        "recipient": recipient,
        "jengu": jengu,
        "legacy": legacy,
        "sender_differs": bool(other_sender),
    }


def compare_shadow(
    folder: Path, *, now: datetime, since: datetime | None = None, until: datetime | None = None
) -> ShadowComparison:
    until = until or now
    first = ShadowSend.objects.order_by("at").values_list("at", flat=True).first()
    since = since or first or until - timedelta(days=7)
    result = ShadowComparison(since=since, until=until)
    _jengu(result)
    export = read_export(folder)
    _legacy(result, export)
    _suppressed(result, export)
    return result


def _jengu(result: ShadowComparison) -> None:
    rows = ShadowSend.objects.filter(at__gte=result.since, at__lte=result.until).order_by("at")
    seen: set[tuple[object, ...]] = set()
    for row in rows.select_related("email__enrollment__campaign"):
        key = (row.email_id,) if row.email_id else (row.recipient, row.step, row.message_id)
        if key in seen:
            continue  # the same queued email, recorded again on a later day
        seen.add(key)
        campaign = row.email.enrollment.campaign.name if row.email else ""
        result.jengu.setdefault(row.recipient, []).append(
            {
                "recipient": row.recipient,
                "at": row.at.isoformat(),
                "step": row.step,
                "campaign": campaign,
                "from": row.from_address.lower(),
                "subject": row.subject,
                "message_id": row.message_id,
            }
        )


def _legacy(result: ShadowComparison, export: Export) -> None:
    for record in export.rows("emails"):
        status = values.text(record.data, "status").lower() or "sent"
        if not outbound(record) or status not in SENT:
            continue
        at = values.when(values.text(record.data, "sent_at", "created_at"))
        to = values.email_address(values.text(record.data, "to_email"))
        if at is None or not to or not result.since <= at <= result.until:
            continue
        result.legacy.setdefault(to, []).append(
            {
                "recipient": to,
                "at": at.isoformat(),
                "from": values.email_address(values.text(record.data, "from_email")),
                "subject": values.text(record.data, "subject"),
                "message_id": values.message_id(values.text(record.data, "message_id")),
                "where": record.where,
            }
        )


def _blocked(export: Export) -> tuple[dict[str, str], dict[str, str]]:
    """({address: why}, {domain: why}) that the export says must never be written to."""
    emails: dict[str, str] = {}
    domains: dict[str, str] = {}
    addresses = {
        r.id: values.email_address(values.text(r.data, "contact_email", "email"))
        for r in export.rows("prospects")
    }
    for r in export.rows("email_exclusions"):
        raw = values.text(r.data, "email").lower()
        why = f"excluded in the old system ({values.text(r.data, 'reason') or 'no reason'})"
        if "@" in raw:
            emails[values.email_address(raw)] = why
        elif domain := (values.text(r.data, "domain") or raw).lower().lstrip("@"):
            domains[domain] = why
    for r in export.rows("bounces"):
        kind = values.text(r.data, "type").lower()
        if kind in ("hard", "complaint"):
            emails[values.email_address(values.text(r.data, "email"))] = f"{kind} bounce"
    for r in export.rows("prospects"):
        if values.flag(r.data, "email_bounced") and addresses.get(r.id):
            emails[addresses[r.id]] = "bounced in the old system"
    for r in export.rows("campaign_leads"):
        status = values.text(r.data, "status").lower()
        address = addresses.get(values.text(r.data, "prospect_id"), "")
        if status in ("unsubscribed", "bounced") and address:
            emails[address] = f"{status} in the old system"
    emails.pop("", None)
    return emails, domains


def _suppressed(result: ShadowComparison, export: Export) -> None:
    emails, domains = _blocked(export)
    for recipient, items in sorted(result.jengu.items()):
        domain = recipient.rpartition("@")[2]
        row = is_suppressed(recipient)
        why = (
            f"suppressed in Jengu ({row.reason})"
            if row
            else emails.get(recipient) or domains.get(domain)
        )
        if why:
            result.suppressed.append({"recipient": recipient, "why": why, "sends": items})
