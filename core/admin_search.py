"""Admin search on big tables: one UNION branch per search field instead of one OR.

Django's changelist search ORs ``field__icontains`` over every search field, joins included.
PostgreSQL cannot answer an OR that spans two tables from their indexes, so it reads every row
of both. As a UNION, each branch is one table's (or one join's) condition that its own trigram
index answers; the rows found are then looked up by primary key.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest


class UnionSearchMixin:
    """What is typed, as one phrase, in any of ``search_fields`` (plain field paths)."""

    model: Any

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Any], search_term: str
    ) -> tuple[QuerySet[Any], bool]:
        term = " ".join(search_term.split())
        if not term:
            return queryset, False
        manager = self.model._base_manager
        branches = [
            manager.filter(**{f"{path}__icontains": term}).order_by().values("pk")
            for path in self.get_search_fields(request)  # type: ignore[attr-defined]
        ]
        found = branches[0].union(*branches[1:]) if len(branches) > 1 else branches[0]
        return queryset.filter(pk__in=found), False
