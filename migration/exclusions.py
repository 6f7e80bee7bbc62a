"""The old "never send" lists as suppressions: ``email_exclusions`` (by address or by domain,
reason ``legacy``), and the addresses the old system had seen bounce (``prospects.email_bounced``
and bounced ``emails``, reason ``bounce``). D1's ``bounces`` table is read in ``inbound``."""

from __future__ import annotations

import re

from compliance.models import Suppression
from migration import values
from migration.emails import outbound
from migration.readers import Record
from migration.state import Run
from migration.suppressing import suppress_legacy
from prospects.services import contact_mark_invalid

_DOMAIN_RE = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


def import_exclusions(run: Run) -> None:
    for record in run.export.rows("email_exclusions"):
        target = _target(record)
        if not target:
            run.report.skip("suppressions", record.where, "neither a valid address nor a domain")
            continue
        reason = values.text(record.data, "reason") or "excluded in the old system"
        by = values.text(record.data, "added_by", "excluded_by")
        detail = f"{reason} (added by {by})" if by else reason
        suppress_legacy(run, target, Suppression.Reason.LEGACY, record, detail)
    for record in run.export.rows("prospects"):
        if values.flag(record.data, "email_bounced"):
            address = run.prospect_emails.get(record.id) or values.email_address(
                values.text(record.data, "contact_email", "email")
            )
            _bounced(run, address, record, values.text(record.data, "bounce_reason"))
    for record in run.export.rows("emails"):
        if outbound(record) and values.text(record.data, "status").lower() == "bounced":
            address = values.email_address(values.text(record.data, "to_email"))
            _bounced(run, address, record, "the old system marked this email bounced")


def _target(record: Record) -> str:
    """The address, or the domain for a domain-wide exclusion ("" when neither is valid)."""
    raw = values.text(record.data, "email")
    if raw and "@" in raw.strip("@"):
        return values.email_address(raw)
    domain = (values.text(record.data, "domain") or raw).strip().lower().lstrip("@").rstrip(".")
    return domain if _DOMAIN_RE.match(domain) else ""


def _bounced(run: Run, address: str, record: Record, detail: str) -> None:
    if not address:
        run.report.skip("suppressions", record.where, "bounced, but no valid address")
        return
    contact_mark_invalid(email=address)
    suppress_legacy(run, address, Suppression.Reason.BOUNCE, record, detail or "hard bounce")
