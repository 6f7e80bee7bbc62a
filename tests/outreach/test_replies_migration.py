"""The unified inbox's migration: replies stored before it existed arrive read, not as a flood
of unread ones."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]
AFTER = [("outreach", "0006_replies")]


def _migrate(targets: list[tuple[str, str]]):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_replies_from_before_the_inbox_are_read_and_new_ones_unread() -> None:
    old = _migrate(_before())
    inbound = old.get_model("outreach", "InboundMessage")
    inbound.objects.create(message_id="<old-reply@x>", kind="reply")
    inbound.objects.create(message_id="<old-bounce@x>", kind="bounce")
    try:
        new = _migrate(AFTER)
        inbound = new.get_model("outreach", "InboundMessage")
        assert inbound.objects.get(message_id="<old-reply@x>").read_at is not None
        assert inbound.objects.get(message_id="<old-bounce@x>").read_at is None
    finally:
        _migrate([("outreach", leaf) for _, leaf in _leaves()])


def _leaves() -> list[tuple[str, str]]:
    executor = MigrationExecutor(connection)
    return [node for node in executor.loader.graph.leaf_nodes() if node[0] == "outreach"]


def _before() -> list[tuple[str, str]]:
    """The outreach migration 0006 depends on, whichever it is once the chain is merged."""
    graph = MigrationExecutor(connection).loader.graph
    return [p.key for p in graph.node_map[AFTER[0]].parents if p.key[0] == "outreach"]
