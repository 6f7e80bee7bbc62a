"""Suppressions made by the import, counted in its report."""

from __future__ import annotations

from django.db.models import Q

from compliance.models import Suppression
from migration.readers import Record
from migration.state import Run
from outreach.services.suppression import suppress


def suppress_legacy(run: Run, target: str, reason: str, record: Record, detail: str) -> None:
    """An address (or a domain when ``target`` has no ``@``) never to be written to again."""
    email, domain = (target, "") if "@" in target else ("", target)
    existed = Suppression.objects.filter(
        Q(email__iexact=email) if email else Q(domain__iexact=domain)
    ).exists()
    suppress(
        email=email,
        domain=domain,
        reason=reason,
        source=f"legacy {record.file}"[:100],
        detail=detail,
        actor="import_legacy",
    )
    run.report.count("suppressions", "unchanged" if existed else "created")
