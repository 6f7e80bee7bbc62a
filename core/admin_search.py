"""Admin search on big tables: one UNION branch per search field instead of one OR.

Django's changelist search ORs ``field__icontains`` over every search field, joins included.
PostgreSQL cannot answer an OR that spans two tables from their indexes, so it reads every row
of both. As a UNION, each branch is one table's (or one join's) condition that its own trigram
index answers; the rows found are then looked up by primary key.

A field written ``"=path"`` is matched exactly (what is typed, or it in angle brackets: a
Message-ID is stored as ``<...>``), which a plain btree answers with no trigram index to keep up
on writes. Fields in ``fallback_search_fields`` (long text with no index) are read only when no
other field matches, so a search that finds its row by sender never scans every body; when it
is read, it is read once: the ids it finds (the newest ``FALLBACK_MOST``) are kept, instead of
the changelist's count and its page each scanning every body again.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest

FALLBACK_MOST = 10_000  # what the changelists count exactly (core/paging.py); the rest is estimated


class UnionSearchMixin:
    """What is typed, as one phrase, in any of ``search_fields`` (plain field paths)."""

    model: Any
    fallback_search_fields: tuple[str, ...] = ()

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Any], search_term: str
    ) -> tuple[QuerySet[Any], bool]:
        term = " ".join(search_term.split())
        if not term:
            return queryset, False
        fields = list(self.get_search_fields(request))  # type: ignore[attr-defined]
        indexed = [path for path in fields if path not in self.fallback_search_fields]
        fallback = [path for path in fields if path in self.fallback_search_fields]
        found = queryset.filter(pk__in=self._union(indexed, term)) if indexed else None
        if fallback and (found is None or not found.exists()):
            hits = queryset.filter(pk__in=self._union(fallback, term)).values_list("pk", flat=True)
            found = queryset.filter(pk__in=list(hits[:FALLBACK_MOST]))
        return (queryset if found is None else found), False

    def _union(self, paths: list[str], term: str) -> QuerySet[Any]:
        manager = self.model._base_manager
        branches = [manager.filter(**_lookup(path, term)).order_by().values("pk") for path in paths]
        return branches[0].union(*branches[1:]) if len(branches) > 1 else branches[0]


def _lookup(path: str, term: str) -> dict[str, Any]:
    if not path.startswith("="):
        return {f"{path}__icontains": term}
    bare = term.strip("<>")
    return {f"{path[1:]}__in": [term, bare, f"<{bare}>"]}
