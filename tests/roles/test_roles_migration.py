"""The roles migration on an existing installation: staff keep working as operators."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]
ROLES_MIGRATION = ("jengu", "0005_roles")


def _migrate(targets: list[tuple[str, str]]) -> Any:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def _before() -> list[tuple[str, str]]:
    """The core migration 0005 depends on, whichever it is once the chain is merged."""
    graph = MigrationExecutor(connection).loader.graph
    return [p.key for p in graph.node_map[ROLES_MIGRATION].parents if p.key[0] == "jengu"]


def _leaves() -> list[tuple[str, str]]:
    return list(MigrationExecutor(connection).loader.graph.leaf_nodes())


def test_staff_without_a_role_become_operators_and_the_groups_exist() -> None:
    old = _migrate(_before())
    users, groups = old.get_model("auth", "User"), old.get_model("auth", "Group")
    groups.objects.filter(name__in=["viewer", "operator", "admin"]).delete()
    users.objects.create(username="old-staff", is_staff=True)
    users.objects.create(username="old-user")
    users.objects.create(username="old-root", is_staff=True, is_superuser=True)
    try:
        new = _migrate([ROLES_MIGRATION])
        users, groups = new.get_model("auth", "User"), new.get_model("auth", "Group")
        names = {g.name: g for g in groups.objects.all()}
        assert {"viewer", "operator", "admin"} <= set(names)
        assert names["operator"].permissions.filter(codename="change_prospect").exists()
        assert list(
            users.objects.get(username="old-staff").groups.values_list("name", flat=True)
        ) == ["operator"]
        assert not users.objects.get(username="old-user").groups.exists()
        assert not users.objects.get(username="old-root").groups.exists()  # admin already
    finally:
        _migrate(_leaves())
