"""Query-parameter filters that answer 400 naming the parameter, instead of ignoring typos.

A parameter that is absent means "no filter"; one that is present must be valid, even empty
(``?tier=`` is a 400, as the schema's enum says), so a script that builds a bad URL hears it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from rest_framework.exceptions import ValidationError
from rest_framework.request import Request

MAX_ID = 2**63 - 1  # the largest id a database column holds (PostgreSQL bigint, SQLite int64)
_INTEGER = re.compile(r"-?[0-9]+")  # ASCII digits only: int() would also take " 7", "1_0", "٣"


def _refuse(name: str, message: str) -> ValidationError:
    return ValidationError({name: [message]})


def choice_param(request: Request, name: str, choices: Iterable[str]) -> str | None:
    value = request.query_params.get(name)
    if value is None:
        return None
    allowed = list(choices)
    if value not in allowed:
        raise _refuse(name, f"'{value}' is not one of: {', '.join(allowed)}.")
    return value


def bool_param(request: Request, name: str) -> bool | None:
    value = request.query_params.get(name)
    if value is None:
        return None
    lowered = value.lower()
    if lowered in ("true", "1", "yes"):
        return True
    if lowered in ("false", "0", "no"):
        return False
    raise _refuse(name, f"'{value}' is not a boolean (true or false).")


def int_param(
    request: Request, name: str, *, minimum: int | None = None, maximum: int | None = None
) -> int | None:
    value = request.query_params.get(name)
    if value is None:
        return None
    if not _INTEGER.fullmatch(value):
        raise _refuse(name, f"'{value}' is not an integer.")
    number = int(value)
    if minimum is not None and number < minimum:
        raise _refuse(name, f"Ensure this value is greater than or equal to {minimum}.")
    if maximum is not None and number > maximum:
        raise _refuse(name, f"Ensure this value is less than or equal to {maximum}.")
    return number
