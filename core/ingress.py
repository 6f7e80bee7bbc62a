"""Every request is bounded before it reaches a view, a parser or the database.

- A body larger than the view allows answers 413 (``max_body_bytes`` on the view class, else
  Django's ``DATA_UPLOAD_MAX_MEMORY_SIZE``, 2.5 MB). Checked against Content-Length before
  anything reads the body.
- A query parameter (name or value) holding NUL, a lone surrogate or another control character
  answers 400 naming the parameter: PostgreSQL cannot store NUL, and such bytes are never a
  legitimate search.
- A JSON body nested deeper than ``MAX_JSON_DEPTH`` answers 400, on every URL (checked here,
  whether or not the view reads the body).
- A JSON string (key or value) with those characters answers 400 naming the field
  (``StrictJSONParser``, the API's parser: bodies are JSON, except the multipart import, whose
  fields ``core.api.serializers.StrictSerializer`` checks with ``check_fields``). A parser runs
  when a view first reads ``request.data``, after DRF has checked authentication and
  permissions (401/403 before 400).

Every answer has the API's error shape, ``{"detail", "code", "fields"?}``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from rest_framework.exceptions import ParseError, ValidationError
from rest_framework.parsers import JSONParser

MAX_JSON_DEPTH = 32

# NUL and the C0 controls other than tab, LF and CR; lone surrogates (unencodable as UTF-8).
_BAD = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")


def bad_character(text: str) -> str | None:
    """A description of the first character that cannot be accepted, or None."""
    found = _BAD.search(text)
    if found is None:
        return None
    return f"contains an invalid character (U+{ord(found.group()):04X})"


def error(
    status: int, detail: str, code: str, fields: dict[str, list[str]] | None = None
) -> JsonResponse:
    body: dict[str, Any] = {"detail": detail, "code": code}
    if fields:
        body["fields"] = fields
    return JsonResponse(body, status=status)


def _megabytes(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB"


def body_limit(view_func: Callable[..., Any]) -> int:
    view_class = getattr(view_func, "view_class", None) or getattr(view_func, "cls", None)
    limit = getattr(view_class, "max_body_bytes", None) or getattr(
        view_func, "max_body_bytes", None
    )
    return int(limit or settings.DATA_UPLOAD_MAX_MEMORY_SIZE)


class IngressMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        for name, values in request.GET.lists():
            for text in [name, *values]:
                problem = bad_character(text)
                if problem:
                    label = name if bad_character(name) is None else repr(name)
                    return error(
                        400,
                        f"Query parameter {label} {problem}.",
                        "invalid_parameter",
                        {label: [f"This parameter {problem}."]},
                    )
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return error(400, "Content-Length is not a number.", "invalid_content_length")
        limit = body_limit(view_func)
        if length > limit:
            return error(
                413,
                f"Request body too large: {_megabytes(length)}; the limit here is {_megabytes(limit)}.",
                "too_large",
            )
        if length and "json" in (request.content_type or ""):
            return _too_deep(request.body)
        return None


def _too_deep(body: bytes) -> JsonResponse | None:
    try:
        data = json.loads(body)
    except RecursionError:
        data = None
    except ValueError:
        return None  # malformed JSON is the parser's 400, if the view reads the body at all
    else:
        if _depth(data) <= MAX_JSON_DEPTH:
            return None
    return error(400, f"JSON nested deeper than {MAX_JSON_DEPTH} levels.", "too_deep")


def _depth(value: Any) -> int:
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict | list):  # containers count; a scalar adds no level
            deepest = max(deepest, level)
        if isinstance(item, dict):
            stack.extend((child, level + 1) for child in item.values())
        elif isinstance(item, list):
            stack.extend((child, level + 1) for child in item)
    return deepest


def _check(value: Any, path: str, depth: int) -> None:
    """Depth and characters of a parsed JSON value, without recursion (depth is bounded)."""
    stack: list[tuple[Any, str, int]] = [(value, path, depth)]
    while stack:
        item, where, level = stack.pop()
        if level > MAX_JSON_DEPTH and isinstance(item, dict | list):
            raise ParseError(f"JSON nested deeper than {MAX_JSON_DEPTH} levels.")
        if isinstance(item, str):
            problem = bad_character(item)
            if problem:
                name = where or "non_field_errors"
                raise ValidationError({name: [f"This field {problem}."]})
        elif isinstance(item, dict):
            for key, child in item.items():
                problem = bad_character(key)
                if problem:
                    raise ValidationError({"non_field_errors": [f"A field name {problem}."]})
                stack.append((child, f"{where}.{key}" if where else key, level + 1))
        elif isinstance(item, list):
            for i, child in enumerate(item):
                stack.append((child, f"{where}[{i}]", level + 1))


class StrictJSONParser(JSONParser):
    """DRF's JSON parser with a depth limit and the character rule (see the module docstring)."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        raw = stream.read() if stream is not None else b""
        try:
            data = json.loads(raw.decode("utf-8") if isinstance(raw, bytes) else raw)
        except RecursionError as exc:
            raise ParseError(f"JSON nested deeper than {MAX_JSON_DEPTH} levels.") from exc
        except (ValueError, UnicodeDecodeError) as exc:
            raise ParseError(f"JSON parse error - {exc}") from exc
        _check(data, "", 1)
        return data


def check_fields(data: Any) -> None:
    """The character rule on already-parsed data (a dict or a form's QueryDict), for what
    reaches a serializer through another parser (the multipart import)."""
    if isinstance(data, QueryDict):
        data = {name: values[0] if len(values) == 1 else values for name, values in data.lists()}
    _check(data, "", 1)
