"""Serializer fields whose OpenAPI schema is exactly the rule they apply (one regex for both)."""

from __future__ import annotations

import re
import sys
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

# Python's whitespace (str.isspace, what str.strip removes), spelled out: ECMA's \s differs.
_SPACE = "".join(
    f"\\u{c:04x}" for c in range(sys.maxunicode + 1) if c <= 0xFFFF and chr(c).isspace()
)
_CONTROL = "\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f"
# At least one character that is neither whitespace nor a control character (core.ingress).
NOT_BLANK = f"^[^{_CONTROL}]*[^{_SPACE}{_CONTROL}][^{_CONTROL}]*$"

_HOST = r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}(?::[0-9]{1,5})?"
_CHAR = r"(?:[A-Za-z0-9._~!$&'()*+,;=:@/?-]|%[0-9A-Fa-f]{2})"  # RFC 3986, so a valid URI
_REST = rf"(?:[/?]{_CHAR}*)?(?:#{_CHAR}*)?"
URL_PATTERN = rf"^[Hh][Tt][Tt][Pp][Ss]?://{_HOST}{_REST}$"
DOMAIN_PATTERN = rf"^{_HOST}{_REST}$"


@extend_schema_field(
    {"type": "string", "pattern": NOT_BLANK, "description": "Not blank (whitespace alone)."}
)
class NotBlankCharField(serializers.CharField):
    """Text that must say something: whitespace alone is refused, and kept as sent otherwise
    (stripped), so the schema's pattern and maxLength are the whole rule."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(trim_whitespace=False, **kwargs)

    def to_internal_value(self, data: Any) -> str:
        value = super().to_internal_value(data)
        if not re.fullmatch(NOT_BLANK, value):
            raise serializers.ValidationError("This field may not be blank.")
        return value.strip()


@extend_schema_field(
    {
        "description": 'An http(s) URL, or a domain to which `https://` is added; "" for none.',
        "anyOf": [
            {"type": "string", "maxLength": 0},
            {"type": "string", "pattern": URL_PATTERN, "maxLength": 500},
            {"type": "string", "pattern": DOMAIN_PATTERN, "maxLength": 492},
        ],
    }
)
class WebsiteField(serializers.CharField):
    """A website: ``""`` (none), an http(s) URL, or a bare domain that gets ``https://``."""

    max_length_with_scheme = 500  # the column; a bare domain leaves room for "https://"

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", self.max_length_with_scheme)
        super().__init__(trim_whitespace=False, allow_blank=True, **kwargs)

    def to_internal_value(self, data: Any) -> str:
        value = super().to_internal_value(data)
        if not value:
            return ""
        if re.fullmatch(URL_PATTERN, value):
            return value
        if re.fullmatch(DOMAIN_PATTERN, value) and len(value) <= self.max_length_with_scheme - 8:
            return f"https://{value}"
        raise serializers.ValidationError(
            "Enter an http(s) URL or a domain (ASCII; other characters percent-encoded)."
        )


@extend_schema_field(
    {
        "description": "A key (e.g. `smtp-1`) or a numeric id.",
        "anyOf": [
            {"type": "string", "pattern": NOT_BLANK, "maxLength": 64},
            {"type": "integer", "minimum": 1},
        ],
    }
)
class KeyOrIdField(NotBlankCharField):
    """``inboxId``: the key or the numeric id (contracts.md), as a string or a JSON number."""

    json_types = (str, int)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_length=64, **kwargs)

    def to_internal_value(self, data: Any) -> str:
        if isinstance(data, int) and not isinstance(data, bool):
            return str(data)
        return super().to_internal_value(data)
