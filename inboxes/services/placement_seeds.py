"""Seed mailboxes for inbox-placement tests: from the environment and from the admin.

``SEED_MAILBOX_N = email|password|imap_host|imap_port|label`` (any N, or ``SEED_MAILBOX_N_FILE``)
becomes the seed ``seed-N``. Like ``SMTP_INBOX_N``: a second sync changes nothing, a changed
value updates the row, a seed that left the environment is deactivated (its history stays), and
seeds made in the admin are left alone. A bad line is reported by its variable name, never with
its password, and never stops the other seeds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from core.errors import JenguError
from core.services import audit_record
from inboxes.models import Inbox, SeedMailbox
from inboxes.services.registry import env_numbers, env_value


@dataclass
class SeedReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    deactivated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def parse_seed(n: int, value: str) -> dict[str, Any]:
    parts = [part.strip() for part in value.split("|")]
    if len(parts) != 5:
        raise JenguError(
            f"SEED_MAILBOX_{n} must be email|password|imap_host|imap_port|label "
            f"(got {len(parts)} field{'s' if len(parts) != 1 else ''})",
            code="bad_seed_config",
        )
    email, password, host, port, label = parts
    problems = [
        name
        for name, bad in (
            ("email", "@" not in email),
            ("password", not password),
            ("imap_host", not host),
            ("imap_port", not port.isdigit() or not 0 < int(port) < 65536),
        )
        if bad
    ]
    if problems:
        raise JenguError(f"SEED_MAILBOX_{n}: bad {', '.join(problems)}", code="bad_seed_config")
    return {
        "email": email,
        "password": password,
        "imap_host": host,
        "imap_port": int(port),
        "label": label,
    }


def desired_seeds() -> tuple[dict[str, dict[str, Any]], list[str]]:
    wanted: dict[str, dict[str, Any]] = {}
    errors: list[str] = []
    for n in env_numbers("SEED_MAILBOX_"):
        try:
            wanted[f"seed-{n}"] = parse_seed(n, env_value(f"SEED_MAILBOX_{n}"))
        except JenguError as exc:
            errors.append(exc.message)
        except OSError as exc:  # SEED_MAILBOX_N_FILE names a file we cannot read
            errors.append(f"SEED_MAILBOX_{n}_FILE: {exc.strerror}")
    return wanted, errors


def _apply(key: str, fields: dict[str, Any], report: SeedReport, actor: Any) -> None:
    seed = SeedMailbox.objects.select_for_update().filter(key=key).first()
    if seed is None:
        seed = SeedMailbox.objects.create(key=key, source=Inbox.Source.ENV, **fields)
        audit_record(action="seed_created", actor=actor, obj=seed, detail={"source": "env"})
        report.created.append(key)
        return
    if seed.source != Inbox.Source.ENV:
        report.errors.append(f"{key}: a seed made in the admin has this key; left as it is")
        return
    changed = [name for name, value in fields.items() if getattr(seed, name) != value]
    if not seed.active:
        changed.append("active")
    if not changed:
        report.unchanged.append(key)
        return
    for name, value in fields.items():
        setattr(seed, name, value)
    seed.active = True
    seed.save()
    audit_record(action="seed_updated", actor=actor, obj=seed, detail={"fields": changed})
    report.updated.append(key)


def seeds_sync(*, actor: Any = None) -> SeedReport:
    """Bring the env seeds (``SEED_MAILBOX_N``) into the table."""
    report = SeedReport()
    wanted, report.errors = desired_seeds()
    with transaction.atomic():
        for key, fields in wanted.items():
            _apply(key, fields, report, actor)
        gone = SeedMailbox.objects.filter(source=Inbox.Source.ENV, active=True).exclude(
            key__in=wanted
        )
        for seed in gone.select_for_update():
            seed.active = False
            seed.save(update_fields=["active", "updated_at"])
            audit_record(
                action="seed_deactivated",
                actor=actor,
                obj=seed,
                detail={"reason": "no longer in the environment"},
            )
            report.deactivated.append(seed.key)
    return report


def seed_save(*, seed: SeedMailbox, changed: list[str], actor: Any = None) -> SeedMailbox:
    """An operator's save in the admin; the audit names changed fields, never their values."""
    created = seed.pk is None
    if created:
        seed.source = Inbox.Source.ADMIN
    with transaction.atomic():
        seed.save()
        audit_record(
            action="seed_created" if created else "seed_updated",
            actor=actor,
            obj=seed,
            detail={"source": seed.source} if created else {"fields": sorted(changed)},
        )
    return seed
