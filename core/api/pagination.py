from __future__ import annotations

import copy
from typing import Any

from rest_framework.pagination import CursorPagination
from rest_framework.request import Request
from rest_framework.settings import api_settings

from core.api.filters import int_param

MAX_PAGE_SIZE = 500
PAGE_SIZE_PARAMETER: dict[str, Any] = {
    "name": "page_size",
    "required": False,
    "in": "query",
    "description": f"Results per page, 1 to {MAX_PAGE_SIZE} (default 50).",
    "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
}
CURSOR_PARAMETER: dict[str, Any] = {
    "name": "cursor",
    "required": False,
    "in": "query",
    "description": "The `next` or `previous` link's cursor; one that points nowhere is a 404.",
    "schema": {"type": "string"},
}


def page_size(request: Request) -> int:
    """``?page_size=``: 1 to 500 or a 400 naming it (DRF would clamp or ignore it silently)."""
    size = int_param(request, "page_size", minimum=1, maximum=MAX_PAGE_SIZE)
    return size if size is not None else api_settings.PAGE_SIZE or 50


class NewestFirstCursorPagination(CursorPagination):
    """Keyset pagination: constant cost per page however deep, unlike OFFSET."""

    ordering = ("-created_at", "-id")
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def get_page_size(self, request: Request) -> int:
        return page_size(request)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        return copy.deepcopy([CURSOR_PARAMETER, PAGE_SIZE_PARAMETER])  # the schema hooks edit them
