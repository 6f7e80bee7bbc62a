"""The prospect changelist's search, through the service's indexed search."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import HttpRequest

from prospects.models import Prospect
from prospects.services.create import prospect_search_q


class IndexedSearchMixin:
    """Each word must match (as in Django's own search), by name, city, website, contact email
    or contact name. Django's would OR across the contacts join inside an EXISTS, which reads
    every prospect; the service's UNION uses the trigram indexes on PostgreSQL."""

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Prospect], search_term: str
    ) -> tuple[QuerySet[Prospect], bool]:
        for bit in search_term.split():
            queryset = queryset.filter(prospect_search_q(bit, contact_names=True))
        return queryset, False
