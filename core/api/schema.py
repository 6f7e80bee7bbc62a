"""The OpenAPI schema says what the API does, errors included (drf-spectacular).

- Every operation lists the error answers it can give, each with the one error shape
  (``components.schemas.Error``): 400, 413 and 429 everywhere (``core.ingress`` checks every
  URL, and every view is throttled), 401 where authentication is needed, 403 where a role is
  (or where a session POST needs its CSRF token), 404 where the path names an object or a list
  takes a cursor, 415 where there is a body, plus what a view declares in ``error_responses``
  (e.g. ``{409: "the address is suppressed"}``), or for one method in
  ``method_error_responses`` (``{"POST": {409: ...}}``).
- Every string a client sends (query parameter, body field) carries the pattern of
  ``core.ingress``: no NUL and no control character other than tab, LF and CR.
- Numeric path ids are integers (the URLconf's ``\\d+``).
- A request body of a ``StrictSerializer`` allows no other property.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.plumbing import ResolvedComponent
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import SAFE_METHODS, AllowAny, IsAuthenticated

from core.api.filters import MAX_ID

# The characters core.ingress refuses, as a JSON Schema pattern (ECMA and Python agree on it).
SAFE_TEXT = "^[^\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f]*$"

ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "Every error answer of the API has this shape.",
    "properties": {
        "detail": {"type": "string", "description": "What went wrong, for a person."},
        "code": {"type": "string", "description": "A stable token, e.g. `invalid`, `suppressed`."},
        "fields": {
            "type": "object",
            "description": "Validation errors (400 only): messages by field or parameter name.",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
    },
    "required": ["detail", "code"],
    "additionalProperties": False,
}

COMMON = {
    400: "Invalid input: a field or query parameter (named in `fields`), JSON nested too deep, "
    "or a NUL/control character in any parameter or field.",
    401: "No valid credentials: send `Authorization: Token <key>` or a session cookie.",
    403: 'Authenticated, but not allowed: the role is too low (README "Roles"), or a session '
    "POST without its CSRF token.",
    404: "No such object (an unknown id), or a cursor that points to no page.",
    413: "The request body is larger than the limit (2.5 MB; the import has its own).",
    415: "The body's Content-Type is not one the endpoint reads.",
    429: "Too many requests (API_THROTTLE_USER / API_THROTTLE_ANON), or a daily limit reached.",
}


class AutoSchema(SpectacularAutoSchema):
    """drf-spectacular's AutoSchema, with the error answers and typed path ids added."""

    def get_operation(self, *args: Any, **kwargs: Any) -> dict[str, Any] | None:
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        for parameter in operation.get("parameters", []):
            if parameter.get("in") == "path" and parameter["schema"].get("pattern") == r"^\d+$":
                parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
        for status, description in sorted(self.error_statuses().items()):
            operation["responses"].setdefault(
                str(status), self._error_response(status, description)
            )
        return operation

    def _map_basic_serializer(self, serializer: Any, direction: str) -> dict[str, Any]:
        schema: dict[str, Any] = super()._map_basic_serializer(serializer, direction)
        if direction == "request" and getattr(serializer, "refuses_unknown_fields", False):
            schema["additionalProperties"] = False  # core.api.serializers.StrictSerializer
        return schema

    def error_statuses(self) -> dict[int, str]:
        found = {status: COMMON[status] for status in (400, 413, 429)}
        permissions = self.view.get_permissions()
        if not all(isinstance(p, AllowAny) for p in permissions):
            found[401] = COMMON[401]
        needs_role = any(type(p) not in (AllowAny, IsAuthenticated) for p in permissions)
        csrf = self.method not in SAFE_METHODS and any(
            isinstance(a, SessionAuthentication) for a in self.view.get_authenticators()
        )
        if needs_role or csrf:
            found[403] = COMMON[403]
        if "{" in self.path or (self.method == "GET" and self._paginates()):
            found[404] = COMMON[404]
        if self.method in ("POST", "PUT", "PATCH"):
            found[415] = COMMON[415]
        found.update(getattr(self.view, "error_responses", {}))
        found.update(getattr(self.view, "method_error_responses", {}).get(self.method, {}))
        return found

    def _paginates(self) -> bool:
        return self._is_list_view() and self._get_paginator() is not None

    def _error_response(self, status: int, description: str) -> dict[str, Any]:
        """A shared response component (``#/components/responses/Error400``) when the text is
        the common one; an inline response when a view said something of its own."""
        error = self._component("Error", ResolvedComponent.SCHEMA, ERROR_SCHEMA)
        body = {
            "description": description,
            "content": {"application/json": {"schema": error.ref}},
        }
        if COMMON.get(status) != description:
            return body
        return self._component(f"Error{status}", ResolvedComponent.RESPONSE, body).ref

    def _component(self, name: str, kind: str, schema: dict[str, Any]) -> ResolvedComponent:
        component = ResolvedComponent(name=name, type=kind, object=name, schema=schema)
        if component not in self.registry:
            self.registry.register(component)
        return self.registry[component]


def _restrict(schema: dict[str, Any]) -> None:
    # A pattern, an enum or a format (email, binary) already says which characters may appear.
    if schema.get("type") == "string" and not {"pattern", "enum", "format"} & set(schema):
        schema["pattern"] = SAFE_TEXT


def _walk(schema: Any, components: dict[str, Any], seen: set[str]) -> None:
    """Every string in a request schema, following $refs into components (once each)."""
    stack = [schema]
    while stack:
        node = stack.pop()
        if not isinstance(node, dict):
            continue
        if ref := node.get("$ref"):
            name = ref.rsplit("/", 1)[-1]
            if name not in seen:
                seen.add(name)
                stack.append(components.get(name))
            continue
        _restrict(node)
        stack.extend(node.get("properties", {}).values())
        stack.extend(node.get(key) for key in ("items", "additionalProperties"))
        for key in ("oneOf", "anyOf", "allOf"):
            stack.extend(node.get(key, []))


def refuse_control_characters(
    result: dict[str, Any], generator: Any, request: Any, public: bool
) -> dict[str, Any]:
    """POSTPROCESSING_HOOKS: the ingress character rule on every string a client sends.

    Request bodies have components of their own (COMPONENT_SPLIT_REQUEST), so response
    schemas are left alone.
    """
    components = result.get("components", {}).get("schemas", {})
    seen: set[str] = set()
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            for parameter in operation.get("parameters", []):
                _restrict(parameter.get("schema", {}))
            for media in operation.get("requestBody", {}).get("content", {}).values():
                _walk(media.get("schema"), components, seen)
    return result
