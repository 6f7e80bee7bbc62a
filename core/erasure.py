"""Erasing a person's traces from the operations tables (GDPR): the audit log keeps the fact
of each action without naming them; dead letters, alerts and queued or finished task rows
(django-q2) that name them or point at their rows go.

``refs`` are ``(object_type, object_id)`` pairs of erased rows (``Model._meta.label_lower``);
``needles`` are the strings that identify the person (addresses, names), matched
case-insensitively. ``privacy.services.erase_prospect`` calls these in its transaction.
"""

from __future__ import annotations

import inspect
import json
import logging
import pydoc
from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.admin.models import LogEntry
from django.db.models import Q
from django_q.models import OrmQ, Schedule, Task
from django_q.signing import SignedPackage

from core.models import Alert, AuditLog, DeadLetter

log = logging.getLogger(__name__)
ERASED = "(erased)"


def _forms(needle: str) -> set[str]:
    """The needle as written and as a JSON string stores it (``\\u00f4`` for ``ô``)."""
    return {needle, json.dumps(needle)[1:-1]}


def text_q(fields: Iterable[str], needles: Iterable[str]) -> Q:
    match = Q(pk__in=[])
    for needle in needles:
        for form in _forms(needle):
            for name in fields:
                match |= Q(**{f"{name}__icontains": form})
    return match


def refs_q(refs: Iterable[tuple[str, str]]) -> Q:
    match = Q(pk__in=[])
    for object_type, object_id in refs:
        match |= Q(object_type=object_type, object_id=object_id)
    return match


def audit_scrub(*, refs: list[tuple[str, str]], needles: list[str]) -> int:
    """Entries about the erased rows or naming the person keep who did what and when, not
    whom: their description and detail are blanked."""
    about = AuditLog.objects.filter(refs_q(refs) | text_q(("object_repr", "detail"), needles))
    return about.update(object_repr=ERASED, detail={"erased": True}) + _admin_log_scrub(
        refs, needles
    )


def _admin_log_scrub(refs: list[tuple[str, str]], needles: list[str]) -> int:
    """The admin's own history (``django_admin_log``): the same, by content type and id."""
    match = text_q(("object_repr", "change_message"), needles)
    for object_type, object_id in refs:
        app_label, _, model = object_type.partition(".")
        match |= Q(
            content_type__app_label=app_label, content_type__model=model, object_id=object_id
        )
    return LogEntry.objects.filter(match).update(object_repr=ERASED, change_message="")


def deadletters_erase(*, refs: list[tuple[str, str]], needles: list[str]) -> tuple[int, list[str]]:
    """Delete the dead letters about the erased rows or naming the person: (count, the
    stored payload files to delete after the commit)."""
    letters = DeadLetter.objects.filter(refs_q(refs) | text_q(("payload", "error"), needles))
    files = [name for name in letters.values_list("payload_file", flat=True) if name]
    return letters.delete()[0], files


def alerts_erase(*, needles: list[str]) -> int:
    return Alert.objects.filter(text_q(("title", "body", "data", "dedup_key"), needles)).delete()[0]


def _names(args: Any, kwargs: Any, needles: list[str]) -> bool:
    text = f"{args!r} {kwargs!r}".lower()
    return any(n.lower() in text for n in needles)


def _first_parameter(func: str) -> str | None:
    target = pydoc.locate(func)
    if not callable(target):
        return None
    params = list(inspect.signature(target).parameters)
    return params[0] if params else None


def _points_at(func: str, args: Any, kwargs: Any, calls: Mapping[str, set[str]]) -> bool:
    """The task's subject (its first argument, given by position or by name) is erased; its
    other arguments (``run_id=3``) are other rows' ids and do not count."""
    ids = calls.get(func)
    if not ids:
        return False
    if isinstance(args, list | tuple) and args:
        subject = args[0]
    else:
        name = _first_parameter(func)
        subject = kwargs.get(name) if isinstance(kwargs, dict) and name else None
    return subject is not None and str(subject) in ids


def tasks_erase(*, calls: Mapping[str, set[str]], needles: list[str]) -> int:
    """Delete queued (ORM broker), finished and scheduled django-q2 tasks whose arguments name
    the person, or that call ``func`` with one of the erased ids (``calls``: func -> ids)."""
    doomed = 0
    for row in OrmQ.objects.all():
        try:
            task = SignedPackage.loads(row.payload)
        except Exception:  # a payload signed with another key: not ours to read
            log.warning("unreadable queued task %s skipped by the erasure", row.pk)
            continue
        func, args, kwargs = str(task.get("func", "")), task.get("args"), task.get("kwargs")
        if _names(args, kwargs, needles) or _points_at(func, args, kwargs, calls):
            doomed += OrmQ.objects.filter(pk=row.pk).delete()[0]
    for done in Task.objects.all().only("id", "func", "args", "kwargs", "result"):
        result = done.result if isinstance(done.result, str) else repr(done.result)
        if _names(done.args, [done.kwargs, result], needles) or _points_at(
            done.func, done.args, done.kwargs, calls
        ):
            doomed += Task.objects.filter(pk=done.pk).delete()[0]
    schedules = Schedule.objects.filter(text_q(("args", "kwargs", "name"), needles))
    return doomed + schedules.delete()[0]
