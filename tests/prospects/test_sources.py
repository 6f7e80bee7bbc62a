from __future__ import annotations

import io
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from prospects.normalize import dedup_key
from prospects.sources import Parsed, Row, RowError, iter_import, parse_import, parse_sql_dump
from prospects.sources.location import split_location

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "imports"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def line_of(data: bytes, needle: str, encoding: str = "utf-8") -> int:
    """Physical line (1-based) where ``needle`` first appears in the raw file."""
    return data[: data.index(needle.encode(encoding))].count(b"\n") + 1


def by_name(parsed: Parsed) -> dict[str, Row]:
    return {row.data["name"]: row for row in parsed.rows}


def error_lines(parsed: Parsed) -> dict[int, str]:
    return {error.line: error.detail for error in parsed.errors}


def test_generic_csv_keeps_good_rows_and_reports_bad_ones() -> None:
    data = fixture("generic.csv")
    parsed = parse_import(data, "generic.csv")
    assert parsed.format == "csv"
    assert list(by_name(parsed)) == [
        "Hotel Alfama Azul",
        "Casa do Largo",
        "Quinta da Serra",
        "Palácio das Flores",
        "Hotel Miradouro",
    ]
    errors = error_lines(parsed)
    assert errors[line_of(data, ",Porto,")] == "missing name"
    assert "reservations@quintadaserra" in errors[line_of(data, "Quinta da Serra")]
    assert errors[line_of(data, "Memória")] == "12 fields, but the header has 10"
    assert errors[line_of(data, "Bairro Novo")] == "2 fields, but the header has 10"
    assert len(parsed.errors) == 4


def test_generic_columns_map_to_canonical_keys() -> None:
    row = by_name(parse_import(fixture("generic.csv"), "generic.csv"))["Hotel Alfama Azul"]
    assert row.line == 2
    assert row.data == {
        "name": "Hotel Alfama Azul",
        "city": "Lisboa",
        "country": "Portugal",
        "website": "https://www.alfama-azul.pt/en/",
        "contact_email": "reservas@alfama-azul.pt",
        "contact_name": "Ana Ribeiro",
        "contact_title": "Revenue Manager",
        "phone": "+351 21 886 0100",
        "notes": "Boutique, 32 rooms",
        "tags": "boutique;river view",
    }


def test_a_quoted_multi_line_field_keeps_line_numbers_physical() -> None:
    data = fixture("generic.csv")
    parsed = parse_import(data, "generic.csv")
    palacio = by_name(parsed)["Palácio das Flores"]
    assert palacio.line == line_of(data, "Palácio das Flores")
    assert palacio.data["notes"] == "Owner prefers Portuguese.\nCall after 3pm"
    # the record after the two-line one starts two lines further down
    assert line_of(data, "Memória") == palacio.line + 2
    assert by_name(parsed)["Hotel Miradouro"].line == line_of(data, "Hotel Miradouro")


def test_an_invalid_email_drops_the_address_not_the_hotel() -> None:
    row = by_name(parse_import(fixture("generic.csv"), "generic.csv"))["Quinta da Serra"]
    assert "contact_email" not in row.data
    assert row.data["contact_name"] == "Jorge Matos"


def test_several_addresses_in_one_cell_keep_the_first_as_contact() -> None:
    row = by_name(parse_import(fixture("generic.csv"), "generic.csv"))["Hotel Miradouro"]
    assert row.data["contact_email"] == "sales@hotelmiradouro.pt"
    assert row.data["other_emails"] == "reservas@hotelmiradouro.pt"


def test_crlf_and_lf_files_give_the_same_rows_and_lines() -> None:
    lf = fixture("generic.csv")
    crlf = lf.replace(b"\n", b"\r\n")
    assert parse_import(crlf, "generic.csv") == parse_import(lf, "generic.csv")


def test_utf8_bom_does_not_hide_the_first_column() -> None:
    parsed = parse_import(fixture("utf8_bom.csv"), "utf8_bom.csv")
    assert [row.data["name"] for row in parsed.rows] == ["Café São Bento", "Hôtel Les Écuries"]
    assert parsed.rows[0].data["city"] == "São Paulo"
    assert parsed.errors == []


def test_latin1_file_with_semicolons_and_crlf_decodes() -> None:
    parsed = parse_import(fixture("latin1.csv"), "latin1.csv")
    assert parsed.errors == []
    rows = by_name(parsed)
    assert rows["Hôtel de l'Église"].data["city"] == "Besançon"
    assert rows["Gasthof Müller"].data["notes"] == "Frühstück ab 7 Uhr"
    assert rows["Pensión Señorío"].data["contact_email"] == "reservas@senorio.es"
    assert rows["Pensión Señorío"].line == 4


def test_windows_1252_quotes_and_euro_sign_decode() -> None:
    data = "name,notes\nHotel Sol,“best” view from 90€\n".encode("cp1252")
    assert parse_import(data).rows[0].data["notes"] == "“best” view from 90€"


def test_excel_unicode_text_export_is_read() -> None:
    data = "Name\tCity\nホテル 海\t熱海\nГостиница Москва\tМосква\n".encode("utf-16")
    parsed = parse_import(data, "export.txt")
    assert [row.data["city"] for row in parsed.rows] == ["熱海", "Москва"]


def test_excel_sep_line_and_blank_lines_before_the_header_count_as_lines() -> None:
    parsed = parse_import(b"sep=;\r\n\r\nname;city\r\nHotel Sol;Faro\r\n")
    assert parsed.rows == [Row(4, {"name": "Hotel Sol", "city": "Faro"})]


def test_trailing_empty_cells_are_not_an_error() -> None:
    parsed = parse_import(b"name,city\nHotel Sol,Faro,,\n")
    assert parsed.errors == []
    assert parsed.rows[0].data == {"name": "Hotel Sol", "city": "Faro"}


def test_a_stray_quote_costs_one_row_and_reading_goes_on() -> None:
    parsed = parse_import(b'name,city\n"Hotel "Sol" Lisboa",Faro\nCasa Azul,Porto\n')
    assert [error.line for error in parsed.errors] == [2]
    assert parsed.rows == [Row(3, {"name": "Casa Azul", "city": "Porto"})]


def test_an_unterminated_quote_reports_the_lines_it_swallowed() -> None:
    parsed = parse_import(b'name,city\nCasa Azul,Porto\n"Hotel Sol,Faro\nCasa Verde,Braga\n')
    assert [row.data["name"] for row in parsed.rows] == ["Casa Azul"]
    assert parsed.errors[0].line == 3
    assert "lines 3-4 skipped" in parsed.errors[0].detail


def test_a_file_without_a_name_column_is_one_error_not_one_per_row() -> None:
    data = b"Hotel Sol,Faro,info@hotel-sol.pt\nCasa Azul,Porto,casa@azul.pt\n"
    parsed = parse_import(data, "no_header.csv")
    assert parsed.rows == []
    assert [str(error) for error in parsed.errors] == [
        "line 1: no name or company column in: Hotel Sol, Faro, info@hotel-sol.pt"
    ]


def test_a_name_column_next_to_a_company_column_is_the_person() -> None:
    parsed = parse_import(b"Name,Company,Email\nMarta Lopes,Hotel Chiado Velho,marta@chiado.pt\n")
    assert parsed.rows[0].data == {
        "name": "Hotel Chiado Velho",
        "contact_name": "Marta Lopes",
        "contact_email": "marta@chiado.pt",
    }


def test_a_csv_export_of_the_d1_table_keeps_its_legacy_columns() -> None:
    data = (
        b"id,name,city,country,website,contact_email,contact_name,stage,tier,score,source,"
        b"created_at\np_7c1e0a,Hotel Infante Sagres,Porto,Portugal,https://infante-sagres.pt,"
        b"helena.castro@infante-sagres.pt,Helena Castro,contacted,hot,88,google_maps,"
        b"2024-06-03 10:00:00\n"
    )
    parsed = parse_import(data, "prospects-d1.csv")
    assert parsed.format == "csv"
    row = parsed.rows[0].data
    assert row["contact_email"] == "helena.castro@infante-sagres.pt"
    assert (row["id"], row["stage"], row["tier"], row["score"]) == (
        "p_7c1e0a",
        "contacted",
        "hot",
        "88",
    )
    assert row["source"] == "google_maps"


def test_sales_navigator_export() -> None:
    data = fixture("sales_navigator.csv")
    parsed = parse_import(data, "sales_navigator.csv")
    assert parsed.format == "sales_navigator"
    rows = by_name(parsed)
    marta = rows["Hotel Chiado Velho"].data
    assert marta["contact_name"] == "Marta Lopes"
    assert marta["contact_title"] == "General Manager"
    assert (marta["city"], marta["country"]) == ("Lisbon", "Portugal")
    assert marta["website"] == "chiadovelho.pt"
    assert marta["linkedin_url"] == "https://www.linkedin.com/in/marta-lopes-gm"
    assert marta["contact_email"] == "marta.lopes@chiadovelho.pt"
    assert marta["source"] == "sales_navigator"
    assert rows["Hotel Puerta del Sol"].data["city"] == "Madrid"
    assert "country" not in rows["Hotel Puerta del Sol"].data
    assert rows["The Harbour Inn"].data["contact_name"] == "Sophie O'Neill"
    assert rows["The Harbour Inn"].data["country"] == "Ireland"
    assert error_lines(parsed) == {line_of(data, '"Pedro"'): "missing name"}


@pytest.mark.parametrize(
    ("location", "city", "country"),
    [
        ("Lisbon, Lisbon, Portugal", "Lisbon", "Portugal"),
        ("Porto, Portugal", "Porto", "Portugal"),
        ("Austin, Texas", "Austin", ""),
        ("Portugal", "", "Portugal"),
        ("United Kingdom", "", "United Kingdom"),
        ("Greater Lisbon Area", "Lisbon", ""),
        ("Lisbon Metropolitan Area", "Lisbon", ""),
        ("", "", ""),
    ],
)
def test_linkedin_locations_split_into_city_and_country(
    location: str, city: str, country: str
) -> None:
    assert split_location(location) == (city, country)


def test_supabase_export_of_the_old_system() -> None:
    data = fixture("supabase_prospects.csv")
    parsed = parse_import(data, "supabase_prospects.csv")
    assert parsed.format == "supabase"
    rows = by_name(parsed)
    bela = rows["Hotel Bela Vista"].data
    assert bela["contact_email"] == "info@belavista-algarve.pt"
    assert bela["id"] == "3f1c2a9e-8d4b-4f5e-9a7c-1b2d3e4f5a6b"
    assert (bela["stage"], bela["tier"], bela["score"]) == ("contacted", "hot", "82")
    assert bela["tags"] == "boutique, seafront"
    assert rows["Casa Amarela"].data["notes"] == 'Found via "Guia do Alentejo"'
    douro = rows["Hotel Douro Vinhas"].data
    assert "notes" not in douro  # NULL
    assert "tags" not in douro  # []
    assert "contact_email" not in douro
    assert list(error_lines(parsed)) == [line_of(data, "Hotel Douro Vinhas")]


def test_d1_dump_imports_the_prospects_table() -> None:
    data = fixture("d1_export.sql")
    parsed = parse_import(data, "d1_export.sql")
    assert parsed.format == "d1_sql"
    rows = by_name(parsed)
    assert list(rows) == ["Hotel Infante Sagres", "Casa d'Ouro", "Hotel Lusitano", "Alojamento Sé"]
    sagres = rows["Hotel Infante Sagres"]
    assert sagres.line == line_of(data, "'Hotel Infante Sagres'")
    assert sagres.data["contact_email"] == "helena.castro@infante-sagres.pt"
    assert sagres.data["source"] == "google_maps"
    assert "linkedin_url" not in sagres.data
    assert rows["Casa d'Ouro"].data["research_notes"] == "Family run.\nAsk for Rui."
    assert rows["Casa d'Ouro"].line == line_of(data, "'Casa d''Ouro'")
    errors = error_lines(parsed)
    assert errors[line_of(data, "'p_7c1e0c'")] == "missing name"
    assert "lower" in errors[line_of(data, "'Quinta do Vale'")]
    assert "lusitano@gmail" in errors[line_of(data, "'Hotel Lusitano'")]
    assert len(errors) == 3


def test_insert_without_columns_follows_the_create_table_order() -> None:
    row = by_name(parse_import(fixture("d1_export.sql"), "d1_export.sql"))["Alojamento Sé"]
    assert row.data["property_type"] == "guesthouse"
    assert row.data["contact_email"] == "se@alojamento-se.pt"
    assert row.data["research_notes"] == "Near the cathedral"
    assert "contact_name" not in row.data


def test_parse_sql_dump_returns_every_table_for_the_migration() -> None:
    dump = parse_sql_dump(fixture("d1_export.sql").decode())
    assert {"prospects", "emails", "campaigns", "campaign_leads", "bounces"} <= set(dump)
    assert len(dump["prospects"]) == 5  # the trigger body is not data
    assert [row.data["name"] for row in dump["campaigns"]] == [
        "Direct & Confident",
        "Pattern Interrupt",
    ]
    assert dump["email_exclusions"][0].data["email"] == "no-thanks@hotelx.pt"
    assert dump["bounces"][0].data["reason"] == "550 5.1.1 User unknown"
    assert dump["emails"][0].data["message_id"] == "<e_001@jengu.example>"
    assert [error.line for error in dump.errors] == [37]


def test_sql_literals_and_statements_that_look_like_traps() -> None:
    text = """-- it's a comment with a quote
    /* INSERT INTO prospects VALUES ('ghost'); */
    CREATE TABLE IF NOT EXISTS "prospects" ("id" INTEGER, "name" TEXT, "notes" TEXT);
    INSERT OR REPLACE INTO "main"."prospects" VALUES (1, 'Casa (Azul); Faro', 'a''b');
    REPLACE INTO prospects (id, name, notes) VALUES (-2, "Hotel Sol", X'CAFE'), (3e2, 'Três', NULL)
      ON CONFLICT(id) DO NOTHING;
    INSERT INTO prospects (id, name) SELECT id, name FROM other;
    INSERT INTO prospects (id, name) VALUES (4, unistr('Caf\\00e9 \\u00d3bidos'));
    """
    dump = parse_sql_dump(text)
    assert [row.data for row in dump["prospects"]] == [
        {"id": "1", "name": "Casa (Azul); Faro", "notes": "a'b"},
        {"id": "-2", "name": "Hotel Sol", "notes": "cafe"},
        {"id": "3e2", "name": "Três"},
        {"id": "4", "name": "Café Óbidos"},
    ]
    assert [error.line for error in dump.errors] == [7]


def test_an_unterminated_sql_string_is_reported_not_raised() -> None:
    parsed = parse_import(b"INSERT INTO prospects (id, name) VALUES (1, 'Hotel Sol);\n", "x.sql")
    assert parsed.rows == []
    assert parsed.errors[0].line == 1
    assert "unterminated" in parsed.errors[0].detail


def test_a_dump_without_prospects_says_so() -> None:
    parsed = parse_import(b"CREATE TABLE emails (id TEXT);\nINSERT INTO emails VALUES ('e1');\n")
    assert parsed.format == "d1_sql"
    assert parsed.rows == []
    assert [str(error) for error in parsed.errors] == ["no INSERT INTO prospects in this SQL dump"]


def test_jsonl_rows_and_bad_lines() -> None:
    data = fixture("prospects.jsonl")
    parsed = parse_import(data, "prospects.jsonl")
    assert parsed.format == "jsonl"
    rows = by_name(parsed)
    assert rows["Hotel Mar Azul"].data["tags"] == "seafront, family"
    assert rows["Hotel Mar Azul"].data["score"] == "71"
    pousada = rows["Pousada do Castelo"]
    assert pousada.line == 2
    assert pousada.data == {
        "name": "Pousada do Castelo",
        "city": "Óbidos",
        "contact_email": "luis.faria@pousadacastelo.pt",
        "contact_name": "Luís Faria",
    }
    solar = rows["Solar dos Arcos"].data
    assert (solar["verified"], solar["meta"]) == ("true", '{"source_file":"braga.xlsx"}')
    errors = error_lines(parsed)
    assert errors[line_of(data, "Hotel Rio Douro")].startswith("invalid JSON")
    assert errors[line_of(data, '["not"')] == "expected a JSON object, found list"
    assert errors[line_of(data, "nameless")] == "missing name"


@pytest.mark.parametrize(
    ("data", "format_"),
    [
        (b'{"name": "Hotel Sol"}\n', "jsonl"),
        (b"PRAGMA foreign_keys=OFF;\nBEGIN TRANSACTION;\n", "d1_sql"),
        (b"name,city\nHotel Sol,Faro\n", "csv"),
        (b"", "csv"),
    ],
)
def test_the_format_of_an_unnamed_file_comes_from_its_content(data: bytes, format_: str) -> None:
    assert parse_import(data).format == format_


def test_duplicate_spellings_in_one_city_share_a_dedup_key() -> None:
    rows = parse_import(fixture("duplicates.csv"), "duplicates.csv").rows
    keys = [dedup_key(row.data["name"], row.data["city"]) for row in rows]
    assert keys[0] == keys[1] == keys[2] == "grand|lisboa"
    assert len(set(keys)) == 3  # Porto's Grand Hotel and the Grand Hotel & Spa are others


def test_streaming_from_an_open_file_matches_parse_and_leaves_it_open() -> None:
    with (FIXTURES / "generic.csv").open("rb") as handle:
        streamed = list(iter_import(handle, "generic.csv"))
        assert not handle.closed
    parsed = parse_import(fixture("generic.csv"), "generic.csv")
    assert [item for item in streamed if isinstance(item, Row)] == parsed.rows
    assert [item for item in streamed if isinstance(item, RowError)] == parsed.errors
    assert [item.line for item in streamed] == sorted(item.line for item in streamed)


class _Pipe(io.RawIOBase):
    """A non-seekable byte stream, like an upload read from a socket."""

    def __init__(self, data: bytes) -> None:
        self._data = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        chunk = self._data.read(min(len(buffer), 1000))
        buffer[: len(chunk)] = chunk
        return len(chunk)


def test_streaming_from_a_non_seekable_stream() -> None:
    parsed = parse_import(_Pipe(fixture("latin1.csv")), "latin1.csv")  # type: ignore[arg-type]
    assert len(parsed.rows) == 3
    assert parsed.rows[1].data["city"] == "München"


def test_a_hundred_thousand_rows_stream_with_correct_line_numbers() -> None:
    lines = [b"name,city,email"]
    lines += [f"Hotel {n},Lisboa,info{n}@hotel{n}.pt".encode() for n in range(100_000)]
    stream = io.BytesIO(b"\n".join(lines) + b"\n")
    count = 0
    last = None
    for item in iter_import(stream, "big.csv"):
        assert isinstance(item, Row)
        count, last = count + 1, item
    assert count == 100_000
    assert last is not None
    assert last.line == 100_001
    assert last.data["contact_email"] == "info99999@hotel99999.pt"


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=300), st.sampled_from(["", "x.csv", "x.jsonl", "x.sql", "x.txt"]))
def test_arbitrary_bytes_never_raise(data: bytes, filename: str) -> None:
    parsed = parse_import(data, filename)
    assert all(row.data.get("name") for row in parsed.rows)


SQL_PIECES = ("INSERT", "INTO", "prospects", "VALUES", "(", ")", ",", ";", "'a''b'", "'x", "NULL",
              "CREATE", "TABLE", "char(", "replace(", "-1", '"name"', "/*", "--", "\n", "END")  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(SQL_PIECES), max_size=40))
def test_garbled_sql_never_raises(tokens: list[str]) -> None:
    parse_sql_dump(" ".join(tokens))
    parse_import(" ".join(tokens).encode(), "x.sql")
