"""Request serializers that refuse what their schema refuses."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from rest_framework import serializers

from core.ingress import check_fields

# The JSON type each kind of field takes. DRF is lenient (a CharField takes 7 as "7", an
# IntegerField "7" or 7.0, a BooleanField "yes"); the schema says string, integer, boolean.
_JSON_TYPES: list[tuple[type[serializers.Field], tuple[type, ...], str]] = [
    (serializers.BooleanField, (bool,), "a boolean"),
    (serializers.IntegerField, (int,), "an integer"),
    (serializers.CharField, (str,), "a string"),
    (serializers.ChoiceField, (str,), "a string"),
    (serializers.ListField, (list,), "a list"),
]


def _wrong_type(field: serializers.Field, value: Any) -> str | None:
    if value is None:
        return None  # DRF's own "This field may not be null."
    own = getattr(field, "json_types", None)  # a field that takes more than one JSON type
    if own is not None:
        return None if isinstance(value, own) and not isinstance(value, bool) else "Wrong type."
    for kind, types, name in _JSON_TYPES:
        if isinstance(field, kind):
            if not isinstance(value, types) or (isinstance(value, bool) and bool not in types):
                return f"Expected {name}."
            if isinstance(field, serializers.ListField):
                problems = (_wrong_type(field.child, item) for item in cast(list[Any], value))
                return next(filter(None, problems), None)
            return None
    return None


# No docstring on purpose: drf-spectacular would show it as every subclass's description.
#
# A request body with a field the serializer does not know is a 400 naming the field (a typo
# such as ``contactEmail`` would otherwise be dropped without a word); the schema says so with
# ``additionalProperties: false`` (``core.api.schema.AutoSchema``). A JSON value of the wrong
# type is a 400 too. The ingress character rule is applied here as well, so it holds whatever
# parser the view uses (the JSON parser already applies it; the multipart import's does not).
class StrictSerializer(serializers.Serializer):
    refuses_unknown_fields = True

    def to_internal_value(self, data: Any) -> Any:
        errors: dict[str, Any] = {}
        if isinstance(data, Mapping):
            check_fields(data)
            errors = {name: ["Unknown field."] for name in sorted(set(data) - set(self.fields))}
            if isinstance(data, dict):  # JSON; a multipart form's values are all strings
                for name, field in self.fields.items():
                    problem = _wrong_type(field, data[name]) if name in data else None
                    if problem:
                        errors[name] = [problem]
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as exc:  # every field's problem in one answer
            if not errors or not isinstance(exc.detail, dict):
                raise
            errors = {**exc.detail, **errors}
        if errors:
            raise serializers.ValidationError(errors)
        return value
