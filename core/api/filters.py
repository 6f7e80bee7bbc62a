"""Query-parameter filters that answer 400 naming the parameter, instead of ignoring typos."""

from __future__ import annotations

from collections.abc import Iterable

from rest_framework.exceptions import ValidationError
from rest_framework.request import Request


def choice_param(request: Request, name: str, choices: Iterable[str]) -> str | None:
    value = request.query_params.get(name)
    if value in (None, ""):
        return None
    allowed = list(choices)
    if value not in allowed:
        raise ValidationError({name: [f"'{value}' is not one of: {', '.join(allowed)}."]})
    return value


def bool_param(request: Request, name: str) -> bool | None:
    value = request.query_params.get(name)
    if value in (None, ""):
        return None
    lowered = value.lower()
    if lowered in ("true", "1", "yes"):
        return True
    if lowered in ("false", "0", "no"):
        return False
    raise ValidationError({name: [f"'{value}' is not a boolean (true/false)."]})


def int_param(request: Request, name: str) -> int | None:
    value = request.query_params.get(name)
    if value in (None, ""):
        return None
    try:
        return int(value)
    except ValueError:
        raise ValidationError({name: [f"'{value}' is not an integer."]}) from None
