"""Which of many keys exist already: one query per key kind, for an import's chunk.

On PostgreSQL the keys go in as one parameter joined with ``unnest()``, and the planner is
told, for these queries only (``cheap_pages``), that index pages are cheap (``random_page_cost`` 1.1, the usual value
for SSDs and cached data): each key is then an index probe. With PostgreSQL's default (4, for
spinning disks) and a thousand keys, the planner scans the whole table for every chunk and an
import slows down as the table grows. Elsewhere (SQLite) these are plain ORM ``__in`` queries.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection
from django.db.models.functions import Lower

from prospects.models import Contact, Prospect

Row = dict[str, Any]
KEY_COLUMNS = frozenset({"domain", "name_key", "id"})
KEYS = "string_to_array(%s, E'\\n')"  # the keys, one text parameter


@contextmanager
def cheap_pages() -> Iterator[None]:
    """Around a chunk's lookups (inside its transaction): index probes priced as cached."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('random_page_cost')")
        previous = cursor.fetchone()[0]
        cursor.execute("SELECT set_config('random_page_cost', '1.1', true)")
        try:
            yield
        finally:
            cursor.execute("SELECT set_config('random_page_cost', %s, true)", [previous])


def _pg_rows(sql: str, values: Collection[Any], columns: list[str]) -> list[Row]:
    # One text parameter split server-side: quoting a 1,000-element array client-side costs
    # more than the query. Keys are normalized, single-line values; "\n" cannot be in one.
    joined = "\n".join(str(value) for value in values if "\n" not in str(value))
    with connection.cursor() as cursor:
        cursor.execute(sql, [joined])
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def email_owners(emails: Collection[str]) -> dict[str, int]:
    """{lower-cased address: prospect id} for the addresses some contact already has."""
    if not emails:
        return {}
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(Contact._meta.db_table)
        # Identifiers come from the model, quoted; the keys travel as one bound array. The
        # NOT (... = '') is the partial unique index's own condition, so it serves the join.
        sql = (
            f"SELECT lower(c.email), c.prospect_id FROM unnest({KEYS}) AS k(v) "  # noqa: S608
            f"JOIN {table} c ON lower(c.email) = k.v AND NOT (c.email = '')"
        )
        rows = _pg_rows(sql, emails, ["email", "prospect_id"])
        return {row["email"]: row["prospect_id"] for row in rows}
    contacts = Contact.objects.annotate(lower_email=Lower("email")).exclude(email="")
    found = contacts.filter(lower_email__in=emails).order_by()
    return dict(found.values_list("lower_email", "prospect_id"))


def prospects_by(column: str, values: Collection[Any], columns: tuple[str, ...]) -> list[Row]:
    """``columns`` of the prospects whose ``column`` (domain, name_key or id) is in ``values``;
    empty keys never match."""
    if column not in KEY_COLUMNS:
        raise ValueError(f"not a key column: {column}")
    if not values:
        return []
    if connection.vendor == "postgresql":
        quote = connection.ops.quote_name
        table, key = quote(Prospect._meta.db_table), quote(column)
        cast, blank = ("::bigint", "") if column == "id" else ("", f" AND NOT (p.{key} = '')")
        selected = ", ".join(f"p.{quote(name)}" for name in columns)
        sql = (
            f"SELECT {selected} FROM unnest({KEYS}) AS k(v) "  # noqa: S608 (see above)
            f"JOIN {table} p ON p.{key} = k.v{cast}{blank}"
        )
        return _pg_rows(sql, values, list(columns))
    rows = Prospect.objects.filter(**{f"{column}__in": values}).order_by()
    if column != "id":
        rows = rows.exclude(**{column: ""})
    return list(rows.values(*columns))
