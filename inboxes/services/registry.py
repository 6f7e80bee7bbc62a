"""Inboxes from the environment: SMTP_INBOX_1..N and the Azure (Graph) mailbox.

``SMTP_INBOX_N = email|password|host|port|displayName`` (any N), optional
``SMTP_INBOX_N_IMAP = host|port`` (default: the SMTP host with ``smtp.`` -> ``imap.``, port 993).
Idempotent: a second run changes nothing; a changed value updates the row; an inbox that left
the environment is disabled, never deleted. Inboxes made in the admin are left alone.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction

from core.errors import JenguError
from core.services import audit_record
from inboxes.models import Inbox
from inboxes.services.preflight import mode as preflight_mode
from inboxes.services.preflight import preflight_run_many

PREFLIGHT_WITHIN = 12.0  # seconds of DNS preflight inside the initialize-inboxes request


@dataclass
class RegistryReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    disabled: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    preflight: list[str] = field(default_factory=list)  # "smtp-1: mx pass, spf fail, ..."

    def as_dict(self) -> dict[str, list[str]]:
        return {
            "created": self.created,
            "updated": self.updated,
            "disabled": self.disabled,
            "unchanged": self.unchanged,
            "errors": self.errors,
            "preflight": self.preflight,
        }


def env_value(name: str) -> str:
    """``NAME``, or the contents of the file ``NAME_FILE`` names."""
    value = os.environ.get(name, "")
    if not value and os.environ.get(f"{name}_FILE"):
        with open(os.environ[f"{name}_FILE"]) as fh:
            value = fh.read().strip()
    return value


def env_numbers(prefix: str) -> list[int]:
    """The N of every ``{prefix}N`` (or ``{prefix}N_FILE``) set, ascending, each once."""
    pattern = re.compile(rf"^{re.escape(prefix)}(\d+)$")
    found = {int(m.group(1)) for k in os.environ if (m := pattern.match(k.removesuffix("_FILE")))}
    return sorted(found)


def default_imap_host(smtp_host: str) -> str:
    return re.sub(r"^(smtp|mail|smtp-mail|outbound)\.", "imap.", smtp_host) if smtp_host else ""


def parse_smtp_inbox(n: int, value: str, imap: str = "") -> dict[str, Any]:
    parts = value.split("|")
    if len(parts) != 5:
        raise JenguError(
            f"SMTP_INBOX_{n} must be email|password|host|port|displayName "
            f"(got {len(parts)} fields)",
            code="bad_inbox_config",
        )
    email, password, host, port, name = (p.strip() for p in parts)
    if "@" not in email or not host or not port.isdigit():
        raise JenguError(f"SMTP_INBOX_{n}: bad email, host or port", code="bad_inbox_config")
    imap_host, imap_port = default_imap_host(host), 993
    if imap:
        ihost, _, iport = (p.strip() for p in imap.partition("|"))
        if not ihost or not (iport or "993").isdigit():
            raise JenguError(f"SMTP_INBOX_{n}_IMAP must be host|port", code="bad_inbox_config")
        imap_host, imap_port = ihost, int(iport or 993)
    return {
        "provider": Inbox.Provider.SMTP,
        "address": email,
        "password": password,
        "smtp_host": host,
        "smtp_port": int(port),
        "display_name": name,
        "imap_host": imap_host,
        "imap_port": imap_port,
    }


def desired_inboxes() -> tuple[dict[str, dict[str, Any]], list[str]]:
    wanted: dict[str, dict[str, Any]] = {}
    errors: list[str] = []
    for n in env_numbers("SMTP_INBOX_"):
        try:
            wanted[f"smtp-{n}"] = parse_smtp_inbox(
                n, env_value(f"SMTP_INBOX_{n}"), env_value(f"SMTP_INBOX_{n}_IMAP")
            )
        except JenguError as exc:
            errors.append(exc.message)
    if settings.AZURE_MAIL_FROM and settings.AZURE_TENANT_ID and settings.AZURE_CLIENT_ID:
        wanted["graph"] = {
            "provider": Inbox.Provider.GRAPH,
            "address": settings.AZURE_MAIL_FROM,
            "display_name": "",
            "password": "",
        }
    return wanted, errors


def _apply(key: str, fields: dict[str, Any], report: RegistryReport, actor: Any) -> None:
    inbox = Inbox.objects.select_for_update().filter(key=key).first()
    if inbox is None:
        inbox = Inbox.objects.create(key=key, source=Inbox.Source.ENV, **fields)
        audit_record(action="inbox_created", actor=actor, obj=inbox, detail={"source": "env"})
        report.created.append(key)
        return
    if inbox.source != Inbox.Source.ENV:
        # An operator made this one in the admin; the environment never overwrites it.
        report.errors.append(f"{key}: an inbox made in the admin has this key; left as it is")
        return
    changed = [name for name, value in fields.items() if getattr(inbox, name) != value]
    if inbox.status == Inbox.Status.DISABLED:
        inbox.status = Inbox.Status.ACTIVE
        changed.append("status")
    if not changed:
        report.unchanged.append(key)
        return
    for name in changed:
        if name != "status":
            setattr(inbox, name, fields[name])
    inbox.save()
    audit_record(
        action="inbox_updated",
        actor=actor,
        obj=inbox,
        detail={"fields": ["password" if c == "password" else c for c in changed]},
    )
    report.updated.append(key)


def initialize_inboxes(*, actor: Any = None) -> RegistryReport:
    report = RegistryReport()
    wanted, report.errors = desired_inboxes()
    with transaction.atomic():
        for key, fields in wanted.items():
            _apply(key, fields, report, actor)
        gone = (
            Inbox.objects.filter(source=Inbox.Source.ENV)
            .exclude(key__in=wanted)
            .exclude(status=Inbox.Status.DISABLED)
        )
        for inbox in gone.select_for_update():
            inbox.status = Inbox.Status.DISABLED
            inbox.save(update_fields=["status", "updated_at"])
            audit_record(
                action="inbox_disabled",
                actor=actor,
                obj=inbox,
                detail={"reason": "no longer in the environment"},
            )
            report.disabled.append(inbox.key)
    _preflight(wanted, report, actor)
    return report


def _preflight(wanted: dict[str, dict[str, Any]], report: RegistryReport, actor: Any) -> None:
    """DNS preflight of the environment's inboxes, after the commit (DNS is network I/O). They
    are checked side by side and the whole run is bounded, since this answers in the request."""
    if preflight_mode() == "off":
        return
    inboxes = list(Inbox.objects.filter(key__in=wanted, status=Inbox.Status.ACTIVE))
    rows = preflight_run_many(inboxes=inboxes, actor=actor, within=PREFLIGHT_WITHIN)
    for row in rows:
        summary = ", ".join(f"{k} {v['result']}" for k, v in row.results.items())
        report.preflight.append(f"{row.inbox.key}: {summary}")
    checked = {row.inbox_id for row in rows}
    for inbox in inboxes:
        if inbox.pk not in checked:
            report.preflight.append(f"{inbox.key}: not checked in time; see the daily run")


def inbox_save(*, inbox: Inbox, changed: list[str], actor: Any = None) -> Inbox:
    """An operator's save (the admin form): a new inbox is an admin inbox; every save is audited
    with the names of the fields it changed (never their values: the password is one)."""
    created = inbox.pk is None
    if created:
        inbox.source = Inbox.Source.ADMIN
    with transaction.atomic():
        inbox.save()
        audit_record(
            action="inbox_created" if created else "inbox_updated",
            actor=actor,
            obj=inbox,
            detail={"source": inbox.source} if created else {"fields": sorted(changed)},
        )
    return inbox


def get_inbox(ref: str | int) -> Inbox:
    """An inbox by its key (``smtp-1``) or numeric id: ``inboxId`` accepts both."""
    from core.errors import NotFound

    ref = str(ref).strip()
    inbox = Inbox.objects.filter(key=ref).first()
    if inbox is None and ref.isdigit():
        inbox = Inbox.objects.filter(pk=int(ref)).first()
    if inbox is None:
        raise NotFound(f"no inbox {ref!r}", code="inbox_not_found")
    return inbox
