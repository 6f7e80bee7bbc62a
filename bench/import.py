"""Prospect import throughput: a 100,000-row CSV imported with dedup, beside PostgreSQL COPY of
the same file into a plain table, in the same run.

    .venv/bin/python bench/import.py [--rows 100000] [--chunk-size 1000] [--keep FILE]

The file is generated (fixed seed): hotels in 300 cities, with ~4% duplicate variants (the same
name written differently, the same website with ``www.``, the same address in capitals) and
~1% bad rows (no name, a broken address). The import is the real one (``import_file``: parse,
map, per-row dedup by email / domain / name + city, contacts, events, near-duplicate hints),
into empty prospect tables. COPY loads the same bytes into an unindexed table with the same
columns. DATABASE_URL defaults to postgres://postgres@127.0.0.1:5432/jengu_bench_import; the
database is created when missing and migrated.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import resource
import sys
import tempfile
import time
import unicodedata
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/jengu_bench_import"
COLUMNS = ["name", "city", "country", "website", "email", "contact_name", "title", "phone"]
WORDS = [
    "Azul", "Largo", "Flores", "Mar", "Serra", "Rio", "Sol", "Jardim", "Palácio", "Casa",
    "Quinta", "Vista", "Ribeira", "Alfama", "Porto", "Douro", "Oliveira", "Torre", "Ponte",
    "Convento", "Estrela", "Luz", "Monte", "Vinha", "Castelo", "Farol", "Praia", "Moinho",
]  # fmt: skip
KINDS = ["Hotel", "Casa", "Pousada", "Guesthouse", "Boutique Hotel", "Hostel", "Residencial"]
FIRST = ["Ana", "Rui", "Marta", "João", "Sofia", "Pedro", "Inês", "Tiago", "Rita", "Luís"]
LAST = ["Silva", "Costa", "Matos", "Ribeiro", "Lopes", "Faria", "Santos", "Pereira", "Núñez"]
TITLES = ["General Manager", "Owner", "Revenue Manager", "Reservations", ""]


def ensure_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DATABASE_URL", DEFAULT_DB)
    os.environ["DJANGO_SETTINGS_MODULE"] = "jengu.settings"
    os.environ.setdefault("JENGU_VAR_DIR", str(ROOT / "var" / "bench"))
    os.environ["LOG_LEVEL"] = "WARNING"
    ensure_database(os.environ["DATABASE_URL"])
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def _hotel(rng: random.Random, n: int, cities: list[str]) -> list[str]:
    name = f"{rng.choice(KINDS)} {rng.choice(WORDS)} {rng.choice(WORDS)} {n}"
    first, last = rng.choice(FIRST), rng.choice(LAST)
    domain = f"hotel-{n}.example.pt"
    local = unicodedata.normalize("NFKD", first.lower()).encode("ascii", "ignore").decode()
    email = f"{local}.{n}@{domain}" if rng.random() < 0.7 else f"info@{domain}"
    return [name, rng.choice(cities), "Portugal", f"https://{domain}/", email,
            f"{first} {last}", rng.choice(TITLES), f"+351 21 {n % 1000:03d} {n % 10000:04d}"]  # fmt: skip


def _variant(rng: random.Random, row: list[str]) -> list[str]:
    """The same hotel written another way: by name and city, by domain, or by address."""
    name, city, country, website, email, *rest = row
    kind = rng.randrange(3)
    if kind == 0:
        return [f"The {name.upper()}", city.lower(), country, "", "", *rest]
    if kind == 1:
        return [f"{name} (annex)", city, country, website.replace("https://", "http://www."),
                "", *rest]  # fmt: skip
    return [f"{name} Lda", "", country, "", email.upper(), *rest]


CROWDED_CITY = "Lisboa"


def generate(path: Path, rows: int, seed: int = 7, one_city: int = 0) -> None:
    """``one_city`` rows (every k-th) are in CROWDED_CITY, named alike ("Hotel Teste Número
    000010", the near-duplicate check's worst case); the default file has none."""
    rng = random.Random(seed)
    cities = [f"{rng.choice(WORDS)}-{i}" for i in range(300)]
    every = rows // one_city if one_city else 0
    made: list[list[str]] = []
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for n in range(rows):
            roll = rng.random()
            if roll < 0.04 and made:
                row = _variant(rng, rng.choice(made))
            elif roll < 0.05:
                row = ["", rng.choice(cities), "Portugal", "", "x@broken", "", "", ""]
            else:
                row = _hotel(rng, n, cities)
                made.append(row)
            if every and n % every == 0 and n // every < one_city:
                row = [f"Hotel Teste Número {n:06d}", CROWDED_CITY, *row[2:]]
            writer.writerow(row)


def empty_tables() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE prospects_prospect, prospects_contact, prospects_prospectevent, "
            "prospects_duplicatehint, prospects_pipelinerun RESTART IDENTITY CASCADE"
        )


def peak_rss_mb() -> float:
    """The process's peak resident memory so far (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed_import(path: Path, chunk_size: int) -> tuple[float, dict]:
    from prospects.services.imports import import_file

    start = time.perf_counter()
    with path.open("rb") as handle:
        summary = import_file(handle, path.name, chunk_size=chunk_size)
    return time.perf_counter() - start, summary.as_dict()


def timed_copy(path: Path) -> tuple[float, int]:
    """The median of three COPYs of the file into a fresh plain table (a single COPY of
    15 MB takes a fraction of a second, so one run is at the mercy of the machine's noise)."""
    runs = sorted(_copy_once(path) for _ in range(3))
    return runs[1]


def _copy_once(path: Path) -> tuple[float, int]:
    from django.db import connection

    columns = ", ".join(f"{c} text" for c in COLUMNS)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS bench_copy; CREATE TABLE bench_copy ({columns})")
        start = time.perf_counter()
        with (
            path.open("rb") as handle,
            cursor.copy("COPY bench_copy FROM STDIN WITH (FORMAT csv, HEADER true)") as copy,
        ):
            while block := handle.read(1 << 20):
                copy.write(block)
        elapsed = time.perf_counter() - start
        cursor.execute("SELECT count(*) FROM bench_copy")
        count = cursor.fetchone()[0]
        cursor.execute("DROP TABLE bench_copy")
    return elapsed, count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--chunk-size", type=int, default=1000)
    parser.add_argument("--keep", type=Path, help="keep the generated CSV at this path")
    args = parser.parse_args()
    setup_django()
    with tempfile.TemporaryDirectory() as tmp:
        path = args.keep or Path(tmp) / "prospects.csv"
        generate(path, args.rows)
        size = path.stat().st_size / 1e6
        print(f"{args.rows:,} rows, {size:.1f} MB, {os.environ['DATABASE_URL']}")
        empty_tables()
        before = peak_rss_mb()
        seconds, body = timed_import(path, args.chunk_size)
        peak = peak_rss_mb()
        again, repeat = timed_import(path, args.chunk_size)
        copy_seconds, copied = timed_copy(path)
    rate, copy_rate = args.rows / seconds, copied / copy_seconds
    print(
        f"import with dedup : {seconds:7.2f} s  {rate:10,.0f} rows/s  "
        f"(created {body['created']:,}, updated {body['updated']:,}, duplicates "
        f"{body['duplicates']:,}, errors {len(body['errors']):,}, hints {body['hints']:,})"
    )
    print(
        f"same file again   : {again:7.2f} s  {args.rows / again:10,.0f} rows/s  "
        f"(created {repeat['created']:,}, duplicates {repeat['duplicates']:,})"
    )
    print(f"COPY, plain table : {copy_seconds:7.2f} s  {copy_rate:10,.0f} rows/s  (median of 3)")
    print(
        f"ratio COPY/import : {copy_rate / rate:7.1f}x  (import/COPY {rate / copy_rate:.3f}, target >= 0.1)"
    )
    print(f"peak RSS          : {peak:7.0f} MB  ({before:.0f} MB before the import)")


if __name__ == "__main__":
    main()
