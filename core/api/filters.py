"""Query-parameter filters that answer 400 naming the parameter, instead of ignoring typos.

A parameter that is absent means "no filter"; one that is present must be valid, even empty
(``?tier=`` is a 400, as the schema's enum says), so a script that builds a bad URL hears it.

List views filter with django-filter (``DjangoFilterBackend`` turns an invalid ``FilterSet``
into a ValidationError, and drf-spectacular documents each filter from it). Its stock choice
and boolean fields read an empty or unknown value as "no filter", so the two below refuse it.
``choice_param``/``int_param`` stay for what has no queryset to filter: ``page_size``, the
forecast's ``n`` and the email ledger (two tables merged by keyset).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import django_filters
from django import forms
from django.core.exceptions import ValidationError as FormError
from django_filters.fields import ChoiceField
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request

MAX_ID = 2**63 - 1  # the largest id a database column holds (PostgreSQL bigint, SQLite int64)
_INTEGER = re.compile(r"-?[0-9]+")  # ASCII digits only: int() would also take " 7", "1_0", "٣"
_TRUE, _FALSE = ("true", "1", "yes"), ("false", "0", "no")


class _PresentChoiceField(ChoiceField):
    def clean(self, value: Any) -> Any:
        if value is None:  # absent
            return ""
        if value == "" or not self.valid_value(value):
            allowed = ", ".join(str(key) for key, _ in self.choices)
            raise FormError(f"'{value}' is not one of: {allowed}.", code="invalid_choice")
        return super().clean(value)


class _PresentBooleanField(forms.Field):
    widget = forms.TextInput  # the raw text: NullBooleanSelect reads "garbage" as "no filter"

    def clean(self, value: Any) -> bool | None:
        if value is None:
            return None
        if value.lower() in _TRUE + _FALSE:
            return value.lower() in _TRUE
        raise FormError(f"'{value}' is not a boolean (true or false).", code="invalid")


class StrictChoiceFilter(django_filters.ChoiceFilter):
    """A ChoiceFilter whose empty or unknown value is a 400 (the schema's enum has no "")."""

    field_class = _PresentChoiceField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, empty_label=None, **kwargs)


class StrictBooleanFilter(django_filters.BooleanFilter):
    """true/1/yes or false/0/no (any case); anything else present is a 400."""

    field_class = _PresentBooleanField


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
