"""Helpers for migrations that move a model from one app to another without moving its table."""

from __future__ import annotations

from typing import Any

from django.db import migrations


def move_content_types(old_app: str, new_app: str, models: list[str]) -> migrations.RunPython:
    """Carry the moved models' content types over, so permissions and admin history follow.

    On a fresh database there are none yet (``post_migrate`` creates them); where the new app
    already has one, the old one is left alone.
    """

    def forward(apps: Any, schema_editor: Any) -> None:
        _relabel(apps, old_app, new_app, models)

    def backward(apps: Any, schema_editor: Any) -> None:
        _relabel(apps, new_app, old_app, models)

    return migrations.RunPython(forward, backward, elidable=True)


def _relabel(apps: Any, source: str, target: str, models: list[str]) -> None:
    content_type = apps.get_model("contenttypes", "ContentType")
    taken = set(
        content_type.objects.filter(app_label=target, model__in=models).values_list(
            "model", flat=True
        )
    )
    content_type.objects.filter(app_label=source, model__in=set(models) - taken).update(
        app_label=target
    )
