"""Per-call overhead of the rate limiter (reserve + settle + AIUsage row) over a bare SDK call.

Both run against the same local fake OpenAI server in the same process, interleaved, so the
network and the SDK cost the same on both sides; the difference is the database work.

    .venv/bin/python bench/ai_overhead.py [--calls 300]

DATABASE_URL defaults to postgres://postgres@127.0.0.1:5432/jengu_bench; the database is
created and migrated when missing.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/jengu_bench"
SCHEMA = {
    "type": "object",
    "properties": {"subject": {"type": "string"}, "body": {"type": "string"}},
    "required": ["subject", "body"],
    "additionalProperties": False,
}
ANSWER = {"subject": "Guest emails", "body": "Hello Ana, a short note about guest emails."}


def ensure_database(url: str) -> None:
    """CREATE DATABASE when a PostgreSQL URL names one that does not exist yet."""
    parts = urlsplit(url)
    if not parts.scheme.startswith("postgres"):
        return
    import psycopg
    from psycopg import sql

    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def setup_django(fake_url: str, api_key: str) -> None:
    os.environ.setdefault("DATABASE_URL", DEFAULT_DB)
    os.environ["DJANGO_SETTINGS_MODULE"] = "jengu.settings"
    os.environ["LOG_LEVEL"] = "WARNING"  # one log line per HTTP request would swamp the output
    os.environ.update(
        OPENAI_API_KEY=api_key,
        OPENAI_BASE_URL=fake_url,
        OPENAI_MODEL="gpt-4o-mini",
        GROK_API_KEY="",
        ANTHROPIC_API_KEY="",
        AI_PROVIDER_ORDER="openai",
        AI_DAILY_BUDGET_USD="1000000",
        AI_LIMITS_OPENAI="-/-/-",  # measure the bookkeeping, not refusals
    )
    ensure_database(os.environ["DATABASE_URL"])
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)


def timed(fn: Callable[[], object]) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def run(calls: int) -> None:
    import socketserver

    # The fake writes headers and body in two sends; with Nagle on, the body waits for the
    # client's delayed ACK (~40 ms on Linux), which would swamp everything measured here.
    socketserver.StreamRequestHandler.disable_nagle_algorithm = True
    from tests.servers.llm import OpenAIFake

    with OpenAIFake(api_key="bench-key") as fake:
        setup_django(fake.base_url, fake.api_key)
        import openai

        from aiengine.clients import StructuredRequest
        from aiengine.services.llm import call_llm

        sdk = openai.OpenAI(api_key=fake.api_key, base_url=fake.base_url, max_retries=0)
        request = StructuredRequest("You write emails.", "Write to Hotel Lima.", "email", SCHEMA)

        def bare() -> None:
            fake.reply_json(ANSWER)
            sdk.chat.completions.create(  # the same request our client sends
                model="gpt-4o-mini",
                messages=[
                    {"role": "system", "content": request.system},
                    {"role": "user", "content": request.user},
                ],
                response_format={
                    "type": "json_schema",
                    "json_schema": {
                        "name": "email",
                        "description": "",
                        "schema": SCHEMA,
                        "strict": True,
                    },
                },
                max_completion_tokens=request.max_tokens,
            )

        def limited() -> None:
            fake.reply_json(ANSWER)
            if call_llm(purpose="bench", request=request, accept=dict) is None:
                raise SystemExit("the limited call failed; see the AIUsage table")

        report(*measure(bare, limited, calls))


def measure(
    bare: Callable[[], None], limited: Callable[[], None], calls: int
) -> tuple[list[float], list[float]]:
    for _ in range(20):  # warm connections, caches and the SDK's lazy imports
        bare()
        limited()
    bare_times, limited_times = [], []
    for _ in range(calls):  # interleaved, so drift hits both alike
        bare_times.append(timed(bare))
        limited_times.append(timed(limited))
    return bare_times, limited_times


def report(bare_times: list[float], limited_times: list[float]) -> None:
    from django.db import connection

    bare = statistics.median(bare_times) * 1000
    limited = statistics.median(limited_times) * 1000
    print(f"database: {connection.vendor} ({connection.settings_dict['NAME']})")
    print(f"calls: {len(bare_times)} each, medians")
    print(f"bare SDK call:                       {bare:7.2f} ms")
    print(f"with reservation + usage write:      {limited:7.2f} ms")
    print(f"overhead per call:                   {limited - bare:7.2f} ms")
    print(f"ratio (limited / bare):              {limited / bare:7.2f}x")
    print(f"ratio (bare / limited):              {bare / limited:7.2f}   (target >= 0.8)")
    print(f"overhead share of a bare call:       {(limited - bare) / bare:7.0%}   (target <= 25%)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=300)
    run(parser.parse_args().calls)
