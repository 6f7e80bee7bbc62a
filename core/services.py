"""Operations services: audit log, emergency stop, dead letters, alerts."""

from __future__ import annotations

import logging
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils import timezone

from core.errors import Conflict, NotFound
from core.models import Alert, AuditLog, DeadLetter, Switch

log = logging.getLogger(__name__)


def actor_label(actor: Any) -> str:
    if actor is None:
        return "system"
    if isinstance(actor, str):
        return actor
    return getattr(actor, "get_username", lambda: str(actor))()


def audit_record(
    *,
    action: str,
    actor: Any = None,
    obj: Model | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditLog:
    user = actor if getattr(actor, "pk", None) and hasattr(actor, "get_username") else None
    return AuditLog.objects.create(
        actor=user,
        actor_label=actor_label(actor),
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        detail=detail or {},
    )


# --- emergency stop -----------------------------------------------------------------------
def emergency_stop_active() -> bool:
    return Switch.objects.filter(name=Switch.EMERGENCY_STOP, active=True).exists()


def emergency_stop_set(*, active: bool, actor: Any = None, reason: str = "") -> Switch:
    with transaction.atomic():
        switch, _ = Switch.objects.select_for_update().get_or_create(name=Switch.EMERGENCY_STOP)
        changed = switch.active != active
        switch.active, switch.reason, switch.changed_by = active, reason, actor_label(actor)
        switch.save()
        if changed:
            audit_record(
                action="emergency_stop_on" if active else "emergency_stop_off",
                actor=actor,
                obj=switch,
                detail={"reason": reason},
            )
    if changed:
        log.warning(
            "emergency stop %s",
            "ACTIVATED" if active else "released",
            extra={"actor": actor_label(actor)},
        )
    return switch


# --- dead letters -------------------------------------------------------------------------
def deadletter_create(
    *,
    kind: str,
    error: str,
    payload: dict[str, Any] | None = None,
    task_name: str = "",
    attempts: int = 0,
    obj: Model | None = None,
) -> DeadLetter:
    from core.storage import deadletter_store_payload, split_payload

    inline, spilled = split_payload(payload)  # a big payload goes to storage as a file
    letter = DeadLetter.objects.create(
        kind=kind,
        error=error[:10000],
        payload=inline,
        task_name=task_name,
        attempts=attempts,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
    )
    if spilled is not None:
        deadletter_store_payload(letter, spilled)
    log.warning("dead letter", extra={"dead_letter": letter.pk, "kind": kind})
    alert_raise(
        kind=Alert.Kind.DEAD_LETTER,
        title=f"New dead letter: {letter.get_kind_display()}",
        body=error[:500],
        data={"dead_letter": letter.pk, "kind": kind},
        dedup_key=f"dead_letter:{letter.pk}",
    )
    return letter


def _open_letter(letter_id: int) -> DeadLetter:
    letter = DeadLetter.objects.select_for_update().filter(pk=letter_id).first()
    if letter is None:
        raise NotFound(f"dead letter {letter_id} does not exist")
    if letter.is_resolved:
        raise Conflict(
            f"dead letter {letter_id} is already {letter.resolution}", code="already_resolved"
        )
    return letter


def deadletter_resolve(*, letter_id: int, resolution: str, actor: Any = None) -> DeadLetter:
    with transaction.atomic():
        letter = _open_letter(letter_id)
        letter.resolved_at = timezone.now()
        letter.resolution = resolution
        letter.resolved_by = actor if getattr(actor, "pk", None) else None
        letter.save(update_fields=["resolved_at", "resolution", "resolved_by"])
        audit_record(action=f"dead_letter_{resolution}", actor=actor, obj=letter)
    return letter


def deadletter_replay(*, letter_id: int, actor: Any = None) -> DeadLetter:
    """Re-enqueue the task that failed, with its payload, then mark the letter replayed."""
    from core.replay import replay_handler

    with transaction.atomic():
        letter = _open_letter(letter_id)
        handler = replay_handler(letter)
        handler(letter)
        letter.resolved_at = timezone.now()
        letter.resolution = DeadLetter.Resolution.REPLAYED
        letter.resolved_by = actor if getattr(actor, "pk", None) else None
        letter.save(update_fields=["resolved_at", "resolution", "resolved_by"])
        audit_record(action="dead_letter_replayed", actor=actor, obj=letter)
    return letter


def deadletter_discard(*, letter_id: int, actor: Any = None) -> DeadLetter:
    return deadletter_resolve(
        letter_id=letter_id, resolution=DeadLetter.Resolution.DISCARDED, actor=actor
    )


# --- alerts -------------------------------------------------------------------------------
def alert_acknowledge(*, alert_ids: list[int], actor: Any = None) -> int:
    """The operator has seen these alerts; returns how many were not acknowledged before."""
    with transaction.atomic():
        fresh = Alert.objects.filter(pk__in=alert_ids, acknowledged_at__isnull=True)
        alerts = list(fresh.select_for_update())
        fresh.filter(pk__in=[a.pk for a in alerts]).update(acknowledged_at=timezone.now())
        for alert in alerts:
            audit_record(action="alert_acknowledged", actor=actor, obj=alert)
    return len(alerts)


def alert_raise(
    *,
    kind: str,
    title: str,
    body: str = "",
    data: dict[str, Any] | None = None,
    dedup_key: str = "",
) -> Alert | None:
    """Record an alert (deduplicated in the database) and deliver it after commit."""
    try:
        with transaction.atomic():
            alert = Alert.objects.create(
                kind=kind, title=title[:300], body=body, data=data or {}, dedup_key=dedup_key[:200]
            )
    except IntegrityError:
        return None  # the same alert was raised already
    log.warning("alert: %s", title, extra={"alert": alert.pk, "kind": kind})
    from core.alerts import schedule_delivery

    schedule_delivery(alert)
    return alert
