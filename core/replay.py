"""How a dead letter is replayed: re-enqueue its task with the stored arguments.

A kind may register its own handler (e.g. "delivery_unknown" -> send the email again), from its
app's ``AppConfig.ready()``; this module knows only the registry, never the apps.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction
from django_q.tasks import async_task

from core.errors import Conflict
from core.models import DeadLetter

Handler = Callable[[DeadLetter], None]
_handlers: dict[str, Handler] = {}


def register(kind: str) -> Callable[[Handler], Handler]:
    def deco(fn: Handler) -> Handler:
        _handlers[kind] = fn
        return fn

    return deco


def _requeue(letter: DeadLetter) -> None:
    if not letter.task_name:
        raise Conflict(
            "this dead letter has no task to replay; discard it or resolve it by hand",
            code="not_replayable",
        )
    from core.storage import deadletter_payload

    payload = deadletter_payload(letter)  # whole, even when it was spilled to a file
    args = list(payload.get("args", []))
    kwargs = dict(payload.get("kwargs", {}))
    transaction.on_commit(lambda: async_task(letter.task_name, *args, **kwargs))


def replay_handler(letter: DeadLetter) -> Handler:
    return _handlers.get(letter.kind, _requeue)
