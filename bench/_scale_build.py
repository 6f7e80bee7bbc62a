"""Builds the scale benchmark's database with COPY: prospects, contacts, enrollments, outbound
emails (mostly sent, a slice due) and inbound messages, all tied together as the app makes them.

Every column the model has is written: the value given for the row, else the field's default
(Django keeps defaults in Python, not in the table), as COPY text.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

CITIES = ["Lisbon", "Porto", "Faro", "Madrid", "Seville", "Valencia", "Paris", "Nice", "Lyon"]
CITIES += ["Rome", "Milan", "Naples", "Athens", "Split", "Vienna", "Prague", "Krakow", "Berlin"]
WORDS = ["Palace", "Garden", "Harbour", "Mountain", "Riverside", "Grand", "Old Town", "Bay"]
NOW = datetime.now(UTC)
CHUNK = 20_000


def _text(value: Any) -> str:
    """One value in COPY's text format."""
    if value is None:
        return r"\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, (dict, list)):
        value = json.dumps(value)
    if isinstance(value, datetime):
        return value.isoformat()
    text = str(value)
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


def _template(model: Any, varying: list[str]) -> tuple[list[str], str]:
    """The column list and a row template: ``{name}`` where a row gives the value, the
    field's default elsewhere."""
    columns, parts = [], []
    for field in model._meta.concrete_fields:
        columns.append(field.column)
        if field.attname in varying:
            parts.append("{" + field.attname + "}")
        elif field.primary_key:
            raise ValueError(f"{model.__name__}: the id must be given")
        else:
            default = field.get_default()
            if default == "" and field.null and field.is_relation:
                default = None
            parts.append(_text(default).replace("{", "{{").replace("}", "}}"))
    return columns, "\t".join(parts) + "\n"


def copy_rows(conn: Any, model: Any, rows: Iterator[dict[str, Any]]) -> int:
    """COPY ``rows`` (dicts of attnames) into ``model``'s table, CHUNK rows per write."""
    first = next(rows)
    columns, template = _template(model, list(first))
    table = model._meta.db_table
    cols = ", ".join(f'"{c}"' for c in columns)
    n = 0
    with conn.cursor() as cur, cur.copy(f'COPY "{table}" ({cols}) FROM STDIN') as copy:
        buf: list[str] = []
        for row in _chain(first, rows):
            buf.append(template.format(**{k: _text(v) for k, v in row.items()}))
            n += 1
            if len(buf) >= CHUNK:
                copy.write("".join(buf))
                buf.clear()
        copy.write("".join(buf))
    return n


def _chain(first: dict[str, Any], rest: Iterator[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    yield first
    yield from rest


def _ago(i: int, n: int, days: int = 700) -> datetime:
    """Row i of n, spread over ``days`` up to now, older first (ids grow with time)."""
    return NOW - timedelta(seconds=(n - i) * days * 86400 // n)


def prospects(n: int) -> Iterator[dict[str, Any]]:
    stages = ["new", "enriched", "ready", "contacted", "replied", "lost"]
    for i in range(1, n + 1):
        city = CITIES[i % len(CITIES)]
        name = f"Hotel {WORDS[i % len(WORDS)]} {i}"
        yield {
            "id": i,
            "name": name,
            "name_key": name.lower(),
            "city": city,
            "city_key": city.lower(),
            "country": "Portugal",
            "website": f"https://www.hotel{i}.example/",
            "domain": f"hotel{i}.example",
            "stage": stages[i % len(stages)],
            "tier": ["hot", "warm", "cold"][i % 3],
            "score": i % 100,
            "lead_source": "bench",
            "created_at": _ago(i, n),
            "updated_at": _ago(i, n),
        }


def contacts(n: int) -> Iterator[dict[str, Any]]:
    for i in range(1, n + 1):
        yield {
            "id": i,
            "prospect_id": i,
            "name": f"Guest {i}",
            "email": f"guest{i}@hotel{i}.example",
            "verification": "valid",
            "created_at": _ago(i, n),
            "updated_at": _ago(i, n),
        }


def is_due(i: int, n: int, due: int) -> bool:
    return i > n - due  # the newest enrollments have their first email due


def enrollments(n: int, due: int, campaign_id: int, inboxes: list[int]) -> Iterator[dict]:
    for i in range(1, n + 1):
        active = is_due(i, n, due)
        yield {
            "id": i,
            "campaign_id": campaign_id,
            "contact_id": i,
            "prospect_id": i,
            "inbox_id": None if active else inboxes[i % len(inboxes)],
            "current_step": 0 if active else 1,
            "status": "active" if active else "completed",
            "next_send_at": NOW - timedelta(minutes=5) if active else None,
            "created_at": _ago(i, n),
            "updated_at": _ago(i, n),
        }


def outbound(n: int, due: int, inboxes: list[int]) -> Iterator[dict[str, Any]]:
    for i in range(1, n + 1):
        queued = is_due(i, n, due)
        at = _ago(i, n)
        yield {
            "id": i,
            "enrollment_id": i,
            "step": 1,
            "prospect_id": i,
            "contact_id": i,
            "inbox_id": None if queued else inboxes[i % len(inboxes)],
            "recipient": f"guest{i}@hotel{i}.example",
            "from_address": "" if queued else f"sender{i % len(inboxes)}@bench.example",
            "subject": f"A question for Hotel {WORDS[i % len(WORDS)]} {i}",
            "body_text": "Hello,\n\nWould you like more direct bookings?\n",
            "message_id": f"<o{i}@bench.example>",
            "status": "queued" if queued else ("bounced" if i % 97 == 0 else "sent"),
            "send_after": NOW - timedelta(minutes=10) if queued else at,
            "strategy": "cold_direct",
            "created_at": at,
            "updated_at": at,
            "sent_at": None if queued else at,
        }


def inbound(m: int, n: int, inboxes: list[int]) -> Iterator[dict[str, Any]]:
    """m messages answering every (n // m)th sent email: replies, auto-replies, bounces."""
    kinds = ["reply", "reply", "auto_reply", "bounce", "other"]
    step = max(1, n // m)
    for j in range(1, m + 1):
        i = min(n, j * step)
        kind = kinds[j % len(kinds)]
        at = _ago(i, n) + timedelta(hours=3)
        yield {
            "id": j,
            "inbox_id": inboxes[i % len(inboxes)],
            "message_id": f"<r{j}@hotel{i}.example>",
            "from_address": f"guest{i}@hotel{i}.example",
            "subject": f"Re: A question for Hotel {i}",
            "body_text": "Thanks, tell me more about the price.",
            "received_at": at,
            "kind": kind,
            "intent": "interested" if kind == "reply" else "",
            "matched_outbound_id": i,
            "prospect_id": i,
            "contact_id": i,
            "match": "in_reply_to",
            "processed_at": at,
            "created_at": at,
        }


def build(conn: Any, n: int, due: int, campaign_id: int, inboxes: list[int], say: Callable) -> None:
    from outreach.models import Enrollment, InboundMessage, OutboundEmail
    from prospects.models import Contact, Prospect

    steps: list[tuple[Any, Iterator[dict[str, Any]]]] = [
        (Prospect, prospects(n)),
        (Contact, contacts(n)),
        (Enrollment, enrollments(n, due, campaign_id, inboxes)),
        (OutboundEmail, outbound(n, due, inboxes)),
        (InboundMessage, inbound(max(1, n // 5), n, inboxes)),
    ]
    for model, rows in steps:
        started = time.monotonic()
        count = copy_rows(conn, model, rows)
        table = model._meta.db_table
        conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), {count})")
        conn.commit()
        say(f"  COPY {table}: {count:,} rows in {time.monotonic() - started:.1f} s")
    started = time.monotonic()
    conn.execute("ANALYZE")
    conn.commit()
    say(f"  ANALYZE in {time.monotonic() - started:.1f} s")
