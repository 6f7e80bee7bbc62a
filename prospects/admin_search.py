"""The prospect changelist's search, through the service's indexed search."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import HttpRequest

from prospects.models import Prospect
from prospects.services.create import prospect_search_q


class IndexedSearchMixin:
    """What is typed, as one phrase (as the API's ``?search=``), in the name, city, website,
    a contact's email or a contact's name. Django's own search ORs every word across the
    contacts join inside an EXISTS, which reads every prospect; and one common word ("hotel")
    matches a large share of the table however selective the rest. The service's UNION uses
    the trigram indexes on PostgreSQL."""

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Prospect], search_term: str
    ) -> tuple[QuerySet[Prospect], bool]:
        term = " ".join(search_term.split())
        if term:
            queryset = queryset.filter(prospect_search_q(term, contact_names=True))
        return queryset, False
