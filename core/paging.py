"""A paginator for the admin's big tables: it never counts every row.

Django's changelist asks its paginator for ``count`` on every page. On a million-row table
that ``COUNT(*)`` reads the whole table (PostgreSQL keeps no row count), so a first page that
needs 50 rows took seconds. Up to ``exact_up_to`` rows the count is exact (a count over a
``LIMIT``, which stops early); past it, PostgreSQL's planner estimate stands in (statistics kept
by ANALYZE / autovacuum), which is all "about 1,000,000 results" and the page links need.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.paginator import Paginator
from django.db import connections
from django.db.models import QuerySet
from django.utils.functional import cached_property


class EstimatedCountPaginator(Paginator):
    exact_up_to = 10_000

    @cached_property
    def count(self) -> int:
        qs = self.object_list
        if not isinstance(qs, QuerySet):
            return super().count
        capped = qs.order_by()[: self.exact_up_to + 1].count()
        if capped <= self.exact_up_to:
            return capped
        estimate = planner_estimate(qs)
        if estimate is None:  # SQLite: no statistics; its tables are small enough to count
            return super().count
        return max(capped, estimate)


def planner_estimate(qs: QuerySet[Any]) -> int | None:
    """The planner's row estimate for ``qs`` on PostgreSQL, or None elsewhere."""
    if connections[qs.db].vendor != "postgresql":
        return None
    plan = json.loads(qs.order_by().explain(format="json"))
    return int(plan[0]["Plan"]["Plan Rows"])
